//! Custom objects as the sandbox and bridge tests write them: attribute lists and records of
//! the default fixture's `RoadShow` object (keyed by `MKTOID` and `rid`).

use mktows::types::{ArrayOfAttribute, Attribute, CustomObj};
use mktows::xml::Nillable;

/// An attribute list of `(name, value)` pairs, in order, without types.
pub fn attrs(pairs: &[(&str, &str)]) -> ArrayOfAttribute {
    ArrayOfAttribute {
        attribute: pairs
            .iter()
            .map(|(n, v)| Attribute {
                attr_name: (*n).into(),
                attr_type: None,
                attr_value: (*v).into(),
            })
            .collect(),
    }
}

/// A `RoadShow` record of `lead` keyed `rid`, with `values` as its attributes.
pub fn road_show(lead: i32, rid: &str, values: &[(&str, &str)]) -> CustomObj {
    CustomObj {
        custom_obj_key_list: Some(Nillable::Value(attrs(&[
            ("MKTOID", &lead.to_string()),
            ("rid", rid),
        ]))),
        custom_obj_attribute_list: Some(Nillable::Value(attrs(values))),
    }
}
