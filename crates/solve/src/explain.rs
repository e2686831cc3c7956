//! Why intents cannot be met (filled in below).

use headroom_model::Organisation;
use headroom_plan::Explanation;

use crate::backend::Backend;
use crate::model::Model;

pub fn impossible(model: &Model) -> Vec<Explanation> {
    model
        .impossible
        .iter()
        .map(|m| Explanation { service: String::new(), origin: None, from: String::new(), to: String::new(), message: m.clone(), fixes: Vec::new() })
        .collect()
}

pub fn explain(_org: &Organisation, _backend: Backend) -> Vec<Explanation> {
    Vec::new()
}
