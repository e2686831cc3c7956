//! Shadow prices: what one more kW, machine slot or delivery would save,
//! read from the duals of the LP relaxation, for the limits that bind.

use headroom_model::Organisation;
use headroom_plan::ShadowPrice;

use crate::backend::{self, Settings, Using};
use crate::model::{Build, LimitKind, LimitRef, Model, COST_SCALE};

/// Shadow prices of binding power, space and delivery limits, or none if
/// the backend gives no duals.
pub fn prices(org: &Organisation, build: &Build, using: Using) -> Vec<ShadowPrice> {
    if !using.backend.has_duals() {
        return Vec::new();
    }
    let mut model = Model::new(org, Build { integer: false, ..build.clone() });
    let limits = model.limits.clone();
    let settings = Settings { duals: true, ..Settings::lp("shadow prices") };
    let Ok(solved) = backend::solve(&mut model, using, &settings) else { return Vec::new() };
    let Some(duals) = solved.duals else { return Vec::new() };
    from_duals(org, &limits, &duals)
}

/// Shadow prices of the binding limits among `limits`, from the duals of
/// the LP relaxation's rows.
pub fn from_duals(org: &Organisation, limits: &[LimitRef], duals: &[f64]) -> Vec<ShadowPrice> {
    let mut out = Vec::new();
    for limit in limits {
        let Some(&dual) = duals.get(limit.constraint) else { continue };
        // A `≤` row's dual is the change in cost per unit more of its
        // right-hand side: negative when more would save money.
        let value = -dual / COST_SCALE;
        if value.abs() < 1e-6 {
            continue;
        }
        out.push(ShadowPrice {
            period: org.forecast.periods[limit.period].to_string(),
            cluster: org.cluster(limit.cluster).name.text.clone(),
            limit: match limit.kind {
                LimitKind::Power => "power_kw",
                LimitKind::Space => "space",
                LimitKind::Deliveries => "deliveries",
            }
            .into(),
            value: crate::extract::round2(value),
        });
    }
    out.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| (&a.cluster, &a.period, &a.limit).cmp(&(&b.cluster, &b.period, &b.limit))));
    out
}
