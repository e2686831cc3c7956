//! The dependency graph between services: the order in which induced
//! demand is known, where each service's demand comes from (its demand
//! origins), and the independent parts these split the organisation into.

use crate::ids::{ClusterId, RegionId, ServiceId};
use crate::org::Organisation;

/// What one demand origin asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum DemandKind {
    /// Users' demand from a region (or from anywhere), per period: the
    /// forecast and the inorganic events' change to it.
    Direct {
        /// Organic demand (the forecast), per period.
        organic: Vec<f64>,
        /// What inorganic events add (or remove), per period.
        inorganic: Vec<f64>,
    },
    /// Demand that a dependent service's capacity in a region induces.
    Induced {
        /// The dependent service.
        from: ServiceId,
        /// Units of demand per unit of its capacity.
        ratio: f64,
    },
}

/// One origin of a service's demand, and the clusters that may serve it:
/// its users' demand from a region (or from no region), or what a
/// dependent service's capacity in a region induces on it.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandOrigin {
    /// The service whose demand it is.
    pub service: ServiceId,
    /// Where the demand comes from; `None` for demand with no region.
    pub region: Option<RegionId>,
    /// Direct or induced, with its amounts.
    pub kind: DemandKind,
    /// The clusters that may serve it ([`Organisation::serves`], or for
    /// induced demand [`Organisation::serves_dependency`]), ascending.
    pub clusters: Vec<ClusterId>,
}

impl Organisation {
    /// Every demand origin of the services for which `include` holds, in
    /// a fixed order: first each service's direct demand (by service, then
    /// as the forecast lists its regions), then what each included
    /// service induces on each of its dependencies (by dependent, then
    /// dependency) from each region where it may run (ascending). The one
    /// definition the planning model, the independent parts and the
    /// explanations share.
    pub fn demand_origins(&self, include: impl Fn(ServiceId) -> bool) -> Vec<DemandOrigin> {
        let mut out = Vec::new();
        for s in self.service_ids().filter(|&s| include(s)) {
            for d in self.direct_demand(s) {
                let clusters = self.cluster_ids().filter(|&c| self.serves(s, d.region, c)).collect();
                out.push(DemandOrigin {
                    service: s,
                    region: d.region,
                    kind: DemandKind::Direct { organic: d.organic, inorganic: d.inorganic },
                    clusters,
                });
            }
        }
        for from in self.service_ids().filter(|&s| include(s)) {
            for dep in &self.service(from).dependencies {
                for region in self.regions_of(from) {
                    let clusters = self.cluster_ids().filter(|&c| self.serves_dependency(dep, region, c)).collect();
                    out.push(DemandOrigin {
                        service: dep.service,
                        region: Some(region),
                        kind: DemandKind::Induced { from, ratio: dep.ratio },
                        clusters,
                    });
                }
            }
        }
        out
    }

    /// The clusters that may serve one demand origin of service `s`: its
    /// users' demand from `region` (`via` is `None`), or what dependent
    /// service `via` induces on it from `region`; ascending. Empty if `via`
    /// does not depend on `s`, or for induced demand without a region.
    pub fn origin_clusters(&self, s: ServiceId, region: Option<RegionId>, via: Option<ServiceId>) -> Vec<ClusterId> {
        match via {
            None => self.cluster_ids().filter(|&c| self.serves(s, region, c)).collect(),
            Some(from) => match (self.service(from).dependencies.iter().find(|d| d.service == s), region) {
                (Some(dep), Some(r)) => self.cluster_ids().filter(|&c| self.serves_dependency(dep, r, c)).collect(),
                _ => Vec::new(),
            },
        }
    }

    /// The regions of the clusters service `s` may use, ascending: where
    /// its capacity, and so the demand it induces, can be.
    pub fn regions_of(&self, s: ServiceId) -> Vec<RegionId> {
        let mut regions: Vec<RegionId> = self.cluster_ids().filter(|&c| self.may_use(s, c)).map(|c| self.cluster(c).region).collect();
        regions.sort();
        regions.dedup();
        regions
    }

    /// Services in dependency order (every service after all services that
    /// depend on it, so induced demand is known before it is needed), or a
    /// cycle as a list of services where each depends on the next and the
    /// last on the first. Deterministic: ties go by index.
    pub fn dependency_order(&self) -> Result<Vec<ServiceId>, Vec<ServiceId>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Active,
            Done,
        }
        let n = self.services.len();
        let mut mark = vec![Mark::New; n];
        let mut post = Vec::with_capacity(n);
        for root in 0..n {
            if mark[root] != Mark::New {
                continue;
            }
            // Iterative depth-first search: (service, next dependency to visit).
            let mut stack = vec![(root, 0usize)];
            mark[root] = Mark::Active;
            while let Some(&mut (s, ref mut next)) = stack.last_mut() {
                let deps = &self.services[s].dependencies;
                if *next < deps.len() {
                    let d = deps[*next].service.index();
                    *next += 1;
                    match mark[d] {
                        Mark::New => {
                            mark[d] = Mark::Active;
                            stack.push((d, 0));
                        }
                        Mark::Active => {
                            let start = stack.iter().position(|&(x, _)| x == d).unwrap_or(0);
                            return Err(stack[start..].iter().map(|&(x, _)| ServiceId::from_index(x)).collect());
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[s] = Mark::Done;
                    post.push(ServiceId::from_index(s));
                    stack.pop();
                }
            }
        }
        // Post-order puts dependencies first; dependents must come first.
        post.reverse();
        Ok(post)
    }

    /// An upper estimate of each service's largest demand in one period:
    /// its users' demand, plus what its dependents' largest demand induces
    /// (their capacity exceeds their demand under N+k, so this sets a
    /// scale, not a bound). Induced demand is left out if there is a cycle.
    pub fn peak_demand(&self) -> Vec<f64> {
        let mut peak: Vec<f64> = self
            .service_ids()
            .map(|s| {
                let direct = self.direct_demand(s);
                (0..self.forecast.periods.len()).map(|t| direct.iter().map(|d| d.total(t)).sum::<f64>()).fold(0.0, f64::max)
            })
            .collect();
        if let Ok(order) = self.dependency_order() {
            for s in order {
                for dep in &self.service(s).dependencies {
                    peak[dep.service.index()] += dep.ratio * peak[s.index()];
                }
            }
        }
        peak
    }
}

/// Services and clusters that share no constraint with the rest of the
/// organisation: no service of a part can place capacity in another
/// part's clusters or depend on another part's services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Ascending.
    pub services: Vec<ServiceId>,
    /// Ascending.
    pub clusters: Vec<ClusterId>,
}

impl Organisation {
    /// The independent parts of the organisation, each to plan on its own
    /// (in parallel): the connected components of the graph whose edges
    /// join a service to every cluster that may serve any of its demand
    /// (its users' or what its dependents induce) and to the services it
    /// depends on. Clusters no service may use and services no cluster
    /// may serve are one more part, if there are any. Ordered by their
    /// first cluster (then service), so the split is deterministic.
    pub fn parts(&self) -> Vec<Part> {
        let (ns, nc) = (self.services.len(), self.clusters.len());
        let mut parent: Vec<usize> = (0..ns + nc).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        let mut join = |a: usize, b: usize| {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        let mut linked = vec![false; ns + nc];
        for from in self.service_ids() {
            for dep in &self.service(from).dependencies {
                join(from.index(), dep.service.index());
            }
        }
        for origin in self.demand_origins(|_| true) {
            for c in origin.clusters {
                join(origin.service.index(), ns + c.index());
                linked[origin.service.index()] = true;
                linked[ns + c.index()] = true;
            }
        }
        // Group by root, in order of each part's first cluster, then first
        // service; unlinked items go to the last part.
        let mut by_root: std::collections::BTreeMap<usize, Part> = std::collections::BTreeMap::new();
        let mut rest = Part { services: Vec::new(), clusters: Vec::new() };
        for c in self.cluster_ids() {
            let node = ns + c.index();
            if linked[node] {
                by_root
                    .entry(root(&mut parent, node))
                    .or_insert_with(|| Part { services: Vec::new(), clusters: Vec::new() })
                    .clusters
                    .push(c);
            } else {
                rest.clusters.push(c);
            }
        }
        for s in self.service_ids() {
            let r = root(&mut parent, s.index());
            match by_root.get_mut(&r) {
                Some(part) => part.services.push(s),
                None => rest.services.push(s),
            }
        }
        let mut parts: Vec<Part> = by_root.into_values().collect();
        parts.sort_by_key(|p| (p.clusters.first().copied(), p.services.first().copied()));
        if !rest.services.is_empty() || !rest.clusters.is_empty() {
            parts.push(rest);
        }
        parts
    }
}
