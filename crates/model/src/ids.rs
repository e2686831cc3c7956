//! Dense typed indices into the [`Organisation`](crate::Organisation)'s tables.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
            /// The id of the item at `index` of its table.
            pub fn from_index(index: usize) -> Self {
                $name(index as u32)
            }
        }
    };
}

id!(/// Index into `Organisation::resources`.
    ResourceId);
id!(/// Index into `Organisation::machine_types`.
    MachineTypeId);
id!(/// Index into `Organisation::regions`.
    RegionId);
id!(/// Index into `Organisation::clusters`.
    ClusterId);
id!(/// Index into `Organisation::failure_domains`.
    DomainId);
id!(/// Index into `Organisation::teams`.
    TeamId);
id!(/// Index into `Organisation::services`.
    ServiceId);
