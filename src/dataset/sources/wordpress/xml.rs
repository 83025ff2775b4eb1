//! A safe reader of WordPress export (WXR) XML: no DOCTYPE or entity declarations (so no entity
//! expansion and no external entities), only the five predefined and numeric references,
//! bounded nesting and element count, and a file that ends inside an element is an error. The
//! result is a small element tree with the line of each element.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::Reader;

/// The deepest element nesting accepted (WXR needs 5; HTML bodies are inside CDATA).
pub const MAX_XML_DEPTH: usize = 64;

/// The most elements accepted in one file.
pub const MAX_ELEMENTS: usize = 5_000_000;

/// One element: its qualified name, attributes, text (text and CDATA joined) and children.
#[derive(Debug, Default)]
pub struct Element {
    /// The qualified name as written (`wp:post_id`).
    pub name: String,
    /// Attributes, unescaped, in document order.
    pub attributes: Vec<(String, String)>,
    /// The element's own text and CDATA, joined.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The 1-based line of its start tag.
    pub line: usize,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name`, or "".
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map(|c| c.text.as_str()).unwrap_or("")
    }

    /// The children named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The value of the attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Line numbers of byte offsets.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Lines(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn at(&self, offset: u64) -> usize {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

/// Parses `text` into its root element, refusing what a WXR file never needs.
pub fn parse(text: &str) -> Result<Element, String> {
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut elements = 0usize;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            format!(
                "line {}: malformed XML: {e}{}",
                lines.at(reader.error_position()),
                inside(&stack)
            )
        })?;
        match event {
            Event::DocType(_) => {
                return Err(format!(
                    "line {}: a DOCTYPE (with entity declarations) is not accepted in a WordPress export",
                    lines.at(position)
                ))
            }
            Event::Start(_) | Event::Empty(_) if stack.len() > MAX_XML_DEPTH => {
                return Err(format!(
                    "line {}: XML nested deeper than {MAX_XML_DEPTH} elements",
                    lines.at(position)
                ));
            }
            Event::Start(_) | Event::Empty(_) if elements >= MAX_ELEMENTS => {
                return Err(format!("more than {MAX_ELEMENTS} XML elements"));
            }
            Event::Start(start) => {
                elements += 1;
                stack.push(element(&start, lines.at(position))?);
            }
            Event::Empty(start) => {
                elements += 1;
                let element = element(&start, lines.at(position))?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(format!("line {}: unexpected end tag", lines.at(position)));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err(format!("line {}: unexpected end tag", lines.at(position))),
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(|c| c.to_string())
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    resolve_predefined_entity(&name).map(str::to_owned)
                };
                let Some(resolved) = resolved else {
                    return Err(format!(
                        "line {}: unknown entity reference (only &amp; &lt; &gt; &quot; &apos; and numeric references are accepted)",
                        lines.at(position)
                    ));
                };
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if stack.len() > 1 {
        return Err(format!(
            "the file ends before its elements are closed (truncated?){}",
            inside(&stack)
        ));
    }
    let mut document = stack.pop().unwrap_or_default();
    match document.children.len() {
        1 => Ok(document.children.remove(0)),
        _ => Err("not one root element".to_owned()),
    }
}

/// " inside <item> 2 (line 104)" for the innermost open `<item>`, or the innermost element.
fn inside(stack: &[Element]) -> String {
    let Some(open) = stack.iter().skip(1).last() else {
        return String::new();
    };
    if let Some(channel) = stack.iter().find(|e| e.name == "channel") {
        if let Some(item) = stack.iter().find(|e| e.name == "item") {
            let number = channel.all("item").count() + 1;
            return format!(" inside <item> {number} (line {})", item.line);
        }
    }
    format!(" inside <{}> (line {})", open.name, open.line)
}

fn element(start: &quick_xml::events::BytesStart, line: usize) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("line {line}: bad attribute: {e}"))?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let raw = String::from_utf8_lossy(&attribute.value);
        attributes.push((key, crate::dataset::sources::html::decode_references(&raw)));
    }
    Ok(Element {
        name,
        attributes,
        line,
        ..Element::default()
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn an_entity_declaration_is_refused_before_any_expansion() {
        let error =
            parse("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaa\">]>\n<r>&a;</r>")
                .unwrap_err();
        assert!(
            error.contains("line 2") && error.contains("DOCTYPE"),
            "{error}"
        );
    }

    #[test]
    fn a_file_ending_inside_an_element_is_an_error() {
        let error = parse("<rss><channel><item><title>x</title>").unwrap_err();
        assert!(error.contains("item> 1"), "{error}");
    }

    #[test]
    fn predefined_and_numeric_references_are_resolved() {
        let root = parse("<r>a &amp; b &#233; &#x41;</r>").unwrap();
        assert_eq!(root.text, "a & b é A");
    }
}
