//! What a sandbox instance contains besides its leads: lead fields, static lists, programs,
//! campaigns, channels, tags, custom-object types and extra opportunity attributes. It comes from a fixture file
//! (`mktows sandbox --fixture FILE`, TOML or JSON by extension) or the built-in default, and is
//! saved in the SQLite store so a restarted sandbox finds it again.
//!
//! A fixture in TOML (every section optional; JSON has the same shape):
//!
//! ```toml
//! standard_fields = true          # Marketo's standard lead fields, plus `fields` below
//! lists = ["Trade Show", "Newsletter"]
//! opportunity_fields = ["Region"]  # beyond Marketo's standard opportunity attributes
//! role_fields = ["Influence"]      # beyond the standard opportunity role attributes
//!
//! [[fields]]
//! name = "ShoeSize"
//! type = "integer"
//!
//! [[channels]]
//! name = "Webinar"
//! statuses = [
//!   { status = "Registered", step = 20, success = false },
//!   { status = "Attended", step = 30, success = true },
//! ]
//!
//! [[tags]]
//! type = "Region"
//! values = ["EMEA", "AMER"]
//!
//! [[programs]]
//! name = "Spring Webinar"
//! channel = "Webinar"
//! tags = [{ type = "Region", value = "EMEA" }]
//!
//! [[campaigns]]
//! id = 2001
//! name = "Send Welcome"
//! program = "Spring Webinar"
//! description = "Sends the welcome email"
//! sources = ["MKTOWS", "SALES"]   # who may request it (a "Campaign is Requested" trigger)
//!
//! [[custom_objects]]
//! name = "RoadShow"
//! keys = ["MKTOID", "rid"]         # dedupe fields; MKTOID is the lead id it belongs to
//! fields = [{ name = "city", type = "string" }, { name = "zip", type = "string" }]
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::FieldDef;

/// The contents of a fixture file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Include Marketo's standard lead fields ([`super::standard_fields`]).
    #[serde(default = "yes")]
    pub standard_fields: bool,
    /// Further lead fields (a standard field of the same name is replaced).
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Static lists, by name (ids from 1001 in this order).
    #[serde(default)]
    pub lists: Vec<String>,
    /// Channels with their progression statuses.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Tag types and their values.
    #[serde(default)]
    pub tags: Vec<TagType>,
    /// Programs.
    #[serde(default)]
    pub programs: Vec<Program>,
    /// Smart campaigns.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// Custom-object types.
    #[serde(default)]
    pub custom_objects: Vec<CustomObjectType>,
    /// Opportunity attributes beyond Marketo's standard ones (`syncMObjects`).
    #[serde(default)]
    pub opportunity_fields: Vec<String>,
    /// Opportunity role attributes beyond Marketo's standard ones.
    #[serde(default)]
    pub role_fields: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Programs, campaigns, channels, tags and custom-object types of a sandbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    /// Channels with their progression statuses (`getChannels`).
    pub channels: Vec<Channel>,
    /// Tag types and their allowed values (`getTags`).
    pub tags: Vec<TagType>,
    /// Programs (`importToList`, `scheduleCampaign`, `requestCampaign` by name).
    pub programs: Vec<Program>,
    /// Smart campaigns.
    pub campaigns: Vec<Campaign>,
    /// Custom-object types (`getCustomObjects`, `syncCustomObjects`, `deleteCustomObjects`).
    pub custom_objects: Vec<CustomObjectType>,
    /// Opportunity attributes beyond Marketo's standard ones.
    pub opportunity_fields: Vec<String>,
    /// Opportunity role attributes beyond Marketo's standard ones.
    pub role_fields: Vec<String>,
}

/// A channel and its progression statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Channel name, e.g. `Webinar`.
    pub name: String,
    /// Progression statuses, in order.
    #[serde(default)]
    pub statuses: Vec<ChannelStatus>,
}

/// One progression status of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelStatus {
    /// Status name, e.g. `Attended`.
    pub status: String,
    /// Step number.
    pub step: i32,
    /// Whether reaching it is a success.
    #[serde(default)]
    pub success: bool,
}

/// A tag type and the values it allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagType {
    /// Tag type, e.g. `Region`.
    #[serde(rename = "type")]
    pub tag_type: String,
    /// Allowed values.
    #[serde(default)]
    pub values: Vec<String>,
}

/// A program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// Program name (unique, matched exactly).
    pub name: String,
    /// Its channel (one of [`Catalog::channels`]).
    #[serde(default)]
    pub channel: Option<String>,
    /// Its tags.
    #[serde(default)]
    pub tags: Vec<ProgramTag>,
}

/// A tag on a program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramTag {
    /// Tag type.
    #[serde(rename = "type")]
    pub tag_type: String,
    /// Tag value.
    pub value: String,
}

/// A smart campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Campaign id.
    pub id: i32,
    /// Campaign name (unique within its program).
    pub name: String,
    /// The program it belongs to.
    #[serde(default)]
    pub program: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Sources of its "Campaign is Requested" trigger: `MKTOWS` (Web Service API) and/or
    /// `SALES` (Sales Insight). Empty: it cannot be requested, only scheduled.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// A custom-object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomObjectType {
    /// API name, e.g. `RoadShow`.
    pub name: String,
    /// Dedupe fields, the only attributes a `customObjKeyList` may hold. `MKTOID` links the
    /// object to a lead id.
    pub keys: Vec<String>,
    /// Other fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}

impl CustomObjectType {
    /// True when `name` is one of its keys or fields.
    pub fn has_field(&self, name: &str) -> bool {
        self.keys.iter().any(|k| k == name) || self.fields.iter().any(|f| f.name == name)
    }
}

impl Default for Fixture {
    /// The built-in fixture: standard fields, no static list, the catalog of
    /// [`Catalog::builtin`].
    fn default() -> Fixture {
        Fixture {
            standard_fields: true,
            fields: Vec::new(),
            lists: Vec::new(),
            ..Fixture::from_catalog(Catalog::builtin())
        }
    }
}

impl Catalog {
    /// The campaign with this id.
    pub fn campaign(&self, id: i32) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.id == id)
    }

    /// The built-in catalog: three channels, two tag types, one program with two requestable
    /// campaigns and one batch campaign, and the `RoadShow` custom object of Marketo's docs.
    pub fn builtin() -> Catalog {
        let status = |status: &str, step, success| ChannelStatus {
            status: status.into(),
            step,
            success,
        };
        let campaign = |id, name: &str, description: &str, sources: &[&str]| Campaign {
            id,
            name: name.into(),
            program: Some("Sandbox Program".into()),
            description: description.into(),
            sources: sources.iter().map(|s| (*s).to_owned()).collect(),
        };
        let field = |name: &str| FieldDef {
            name: name.into(),
            data_type: "string".into(),
        };
        Catalog {
            channels: vec![
                Channel {
                    name: "Webinar".into(),
                    statuses: vec![
                        status("Invited", 10, false),
                        status("Registered", 20, false),
                        status("Attended", 30, true),
                    ],
                },
                Channel {
                    name: "Email Send".into(),
                    statuses: vec![status("Sent", 10, false), status("Clicked", 20, true)],
                },
                Channel {
                    name: "Blog".into(),
                    statuses: vec![status("Engaged", 20, true)],
                },
            ],
            tags: vec![
                TagType {
                    tag_type: "Region".into(),
                    values: vec!["EMEA".into(), "AMER".into(), "APAC".into()],
                },
                TagType {
                    tag_type: "Product".into(),
                    values: vec!["Core".into(), "Add-on".into()],
                },
            ],
            programs: vec![Program {
                name: "Sandbox Program".into(),
                channel: Some("Webinar".into()),
                tags: vec![ProgramTag {
                    tag_type: "Region".into(),
                    value: "EMEA".into(),
                }],
            }],
            campaigns: vec![
                campaign(
                    2001,
                    "Welcome",
                    "Sends the welcome email",
                    &["MKTOWS", "SALES"],
                ),
                campaign(
                    2002,
                    "Nurture",
                    "Adds leads to the nurture stream",
                    &["MKTOWS"],
                ),
                campaign(2003, "Monthly Newsletter", "A batch campaign", &[]),
            ],
            custom_objects: vec![CustomObjectType {
                name: "RoadShow".into(),
                keys: vec!["MKTOID".into(), "rid".into()],
                fields: vec![field("city"), field("state"), field("zip")],
            }],
            opportunity_fields: Vec::new(),
            role_fields: Vec::new(),
        }
    }
}

impl Fixture {
    /// Reads a fixture file: TOML, or JSON when the name ends in `.json`. Errors name the
    /// file and, from the parser, the line and column.
    pub fn load(path: &Path) -> Result<Fixture, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let fixture = if json {
            Fixture::from_json(&text)
        } else {
            Fixture::from_toml(&text)
        };
        fixture.map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The fixture saved in a sandbox's SQLite data file by an earlier run, if any.
    pub fn saved(data: &Path) -> Result<Option<Fixture>, String> {
        if !data.exists() {
            return Ok(None);
        }
        let db =
            rusqlite::Connection::open_with_flags(data, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| format!("{}: {e}", data.display()))?;
        let json: Option<String> = db
            .query_row("SELECT json FROM fixture WHERE id = 1", [], |row| {
                row.get(0)
            })
            .ok();
        json.map(|j| {
            Fixture::from_json(&j).map_err(|e| format!("{}: saved fixture: {e}", data.display()))
        })
        .transpose()
    }

    /// Parses TOML.
    pub fn from_toml(text: &str) -> Result<Fixture, String> {
        let fixture: Fixture = toml::from_str(text).map_err(|e| e.to_string())?;
        fixture.check()
    }

    /// Parses JSON.
    pub fn from_json(text: &str) -> Result<Fixture, String> {
        let fixture: Fixture = serde_json::from_str(text).map_err(|e| e.to_string())?;
        fixture.check()
    }

    /// JSON text of the fixture (how the store keeps it).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn from_catalog(catalog: Catalog) -> Fixture {
        Fixture {
            standard_fields: false,
            fields: Vec::new(),
            lists: Vec::new(),
            channels: catalog.channels,
            tags: catalog.tags,
            programs: catalog.programs,
            campaigns: catalog.campaigns,
            custom_objects: catalog.custom_objects,
            opportunity_fields: catalog.opportunity_fields,
            role_fields: catalog.role_fields,
        }
    }

    /// Its programs, campaigns, channels, tags and custom-object types.
    pub fn catalog(&self) -> Catalog {
        Catalog {
            channels: self.channels.clone(),
            tags: self.tags.clone(),
            programs: self.programs.clone(),
            campaigns: self.campaigns.clone(),
            custom_objects: self.custom_objects.clone(),
            opportunity_fields: self.opportunity_fields.clone(),
            role_fields: self.role_fields.clone(),
        }
    }

    /// The lead fields it defines.
    pub fn lead_fields(&self) -> Vec<FieldDef> {
        let mut fields = if self.standard_fields {
            super::standard_fields()
        } else {
            Vec::new()
        };
        for field in &self.fields {
            match fields.iter_mut().find(|f| f.name == field.name) {
                Some(existing) => *existing = field.clone(),
                None => fields.push(field.clone()),
            }
        }
        fields
    }

    /// Puts its fields, lists and catalog into `config`.
    pub fn apply(&self, config: &mut super::SandboxConfig) {
        config.fields = self.lead_fields();
        config.lists = self.lists.clone();
        config.catalog = self.catalog();
    }

    /// The fixture a configuration amounts to (what the store saves).
    pub fn of(config: &super::SandboxConfig) -> Fixture {
        Fixture {
            fields: config.fields.clone(),
            lists: config.lists.clone(),
            ..Fixture::from_catalog(config.catalog.clone())
        }
    }

    /// Refuses duplicates and dangling references, naming them.
    fn check(self) -> Result<Fixture, String> {
        let c = &self;
        duplicates("list", self.lists.iter())?;
        duplicates("field", self.fields.iter().map(|f| &f.name))?;
        duplicates("channel", c.channels.iter().map(|x| &x.name))?;
        duplicates("tag type", c.tags.iter().map(|x| &x.tag_type))?;
        duplicates("program", c.programs.iter().map(|x| &x.name))?;
        duplicates("custom object", c.custom_objects.iter().map(|x| &x.name))?;
        duplicates("opportunity field", c.opportunity_fields.iter())?;
        duplicates("role field", c.role_fields.iter())?;
        let ids: Vec<String> = c.campaigns.iter().map(|x| x.id.to_string()).collect();
        duplicates("campaign id", ids.iter())?;
        for program in &c.programs {
            if let Some(channel) = &program.channel {
                if !c.channels.iter().any(|x| &x.name == channel) {
                    return Err(format!(
                        "program {:?}: channel {channel:?} is not among the channels",
                        program.name
                    ));
                }
            }
            for tag in &program.tags {
                let known = c
                    .tags
                    .iter()
                    .any(|t| t.tag_type == tag.tag_type && t.values.contains(&tag.value));
                if !known {
                    return Err(format!(
                        "program {:?}: tag {} = {:?} is not among the tags",
                        program.name, tag.tag_type, tag.value
                    ));
                }
            }
        }
        for campaign in &c.campaigns {
            if let Some(program) = &campaign.program {
                if !c.programs.iter().any(|p| &p.name == program) {
                    return Err(format!(
                        "campaign {}: program {program:?} is not among the programs",
                        campaign.id
                    ));
                }
            }
            if let Some(bad) = campaign
                .sources
                .iter()
                .find(|s| *s != "MKTOWS" && *s != "SALES")
            {
                return Err(format!(
                    "campaign {}: source {bad:?} is neither MKTOWS nor SALES",
                    campaign.id
                ));
            }
        }
        for object in &c.custom_objects {
            if object.keys.is_empty() {
                return Err(format!("custom object {:?}: no keys", object.name));
            }
        }
        Ok(self)
    }
}

fn duplicates<'a>(what: &str, names: impl Iterator<Item = &'a String>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(format!("{what} {name:?} is defined twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!("fixture.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| format!("{}\n", l.trim_start_matches("//!").trim_start_matches(' ')))
            .collect();
        let fixture = Fixture::from_toml(&example).unwrap();
        assert_eq!(fixture.lists, ["Trade Show", "Newsletter"]);
        assert!(fixture.lead_fields().iter().any(|f| f.name == "ShoeSize"));
        assert!(fixture.lead_fields().iter().any(|f| f.name == "Email"));
        assert_eq!(fixture.campaigns[0].sources, ["MKTOWS", "SALES"]);
        assert_eq!(fixture.custom_objects[0].keys, ["MKTOID", "rid"]);
        let json = fixture.to_json();
        assert_eq!(Fixture::from_json(&json).unwrap(), fixture);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let e = Fixture::from_toml("lists = [\"A\", \"A\"]").unwrap_err();
        assert!(e.contains("list \"A\" is defined twice"), "{e}");
        let e = Fixture::from_toml("[[programs]]\nname = \"P\"\nchannel = \"Nope\"").unwrap_err();
        assert!(e.contains("channel \"Nope\""), "{e}");
        let e = Fixture::from_toml("colour = 1").unwrap_err();
        assert!(e.contains("colour") && e.contains("line 1"), "{e}");
        let e = Fixture::from_toml("[[campaigns]]\nid = 1\nname = \"C\"\nsources = [\"WEB\"]")
            .unwrap_err();
        assert!(e.contains("WEB"), "{e}");
    }

    #[test]
    fn the_builtin_fixture_is_consistent() {
        let json = Fixture::default().to_json();
        Fixture::from_json(&json).unwrap();
    }
}
