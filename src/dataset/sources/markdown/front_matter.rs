//! Front matter of a Markdown file: YAML between `---` lines or TOML between `+++` lines, at
//! most [`MAX_FRONT_MATTER`] bytes, read with serde-saphyr (alias expansion and nesting within
//! its budget) or toml (its recursion limit) into a JSON value.

use serde_json::{Map, Value};

/// The largest front matter read (bytes); larger ones are refused before parsing.
pub const MAX_FRONT_MATTER: usize = 64 << 10;

/// A file split into its front matter (an object, empty when there is none) and its body.
#[derive(Debug)]
pub struct Split<'a> {
    /// The front matter's keys.
    pub fields: Map<String, Value>,
    /// The Markdown after the front matter.
    pub body: &'a str,
}

/// Splits `text` and parses its front matter; errors name the line.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fence = match text.lines().next().map(str::trim_end) {
        Some("---") => "---",
        Some("+++") => "+++",
        _ => {
            return Ok(Split {
                fields: Map::new(),
                body: text,
            })
        }
    };
    let start = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let mut offset = start;
    let mut end = None;
    for line in text[start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == fence || (fence == "---" && trimmed == "...") {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
        if offset - start > MAX_FRONT_MATTER {
            break;
        }
    }
    let Some((close, body_start)) = end else {
        if offset - start > MAX_FRONT_MATTER {
            let size = text[start..]
                .find(&format!("\n{fence}"))
                .map(|i| i + 1)
                .unwrap_or(text.len() - start);
            return Err(format!(
                "front matter of {size} bytes, over the {MAX_FRONT_MATTER}-byte limit"
            ));
        }
        return Err("front matter opened on line 1 is never closed".to_owned());
    };
    let source = &text[start..close];
    let value = if fence == "---" {
        serde_saphyr::from_str::<Value>(source).map_err(|e| located("YAML", &e.to_string()))?
    } else {
        let table =
            toml::from_str::<toml::Table>(source).map_err(|e| located("TOML", &e.to_string()))?;
        toml_to_json(toml::Value::Table(table))
    };
    let fields = match value {
        Value::Object(fields) => fields,
        Value::Null => Map::new(),
        _ => return Err("front matter is not a map of keys".to_owned()),
    };
    Ok(Split {
        fields,
        body: &text[body_start..],
    })
}

/// A parser's error in one line, with the front matter's line turned into the file's.
fn located(language: &str, message: &str) -> String {
    let first = message.split(" --> ").next().unwrap_or(message);
    let first = first.lines().next().unwrap_or(first).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let line = first
        .find("line ")
        .map(|at| &first[at + 5..])
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse::<usize>().ok())
        });
    match line {
        Some(line) => format!(
            "front matter ({language}) line {line} (file line {}): {first}",
            line + 1
        ),
        None => format!("front matter ({language}): {first}"),
    }
}

/// A TOML value as JSON, dates as their RFC 3339 text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn yaml_and_toml_front_matter_and_none() {
        let yaml = split("---\ntitle: A\ntags: [x]\n---\nBody").unwrap();
        assert_eq!(yaml.fields["title"], "A");
        assert_eq!(yaml.body, "Body");
        let toml =
            split("+++\ntitle = \"B\"\ndate = 2024-03-01T08:00:00+01:00\n+++\nBody").unwrap();
        assert_eq!(toml.fields["date"], "2024-03-01T08:00:00+01:00");
        assert!(split("# Only a heading").unwrap().fields.is_empty());
        assert!(split("---\ntitle: x\n")
            .unwrap_err()
            .contains("never closed"));
    }
}
