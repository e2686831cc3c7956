//! The dependency graph between services.

use crate::ids::ServiceId;
use crate::org::Organisation;

impl Organisation {
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
}
