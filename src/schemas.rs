//! JSON Schemas (draft-07) of the files people write: answers files and banks, for editors
//! (yaml-language-server gives completion and checks while typing) and other tools.
//!
//! The answers schema is made from the bank, so it lists every question id with exactly the
//! answers that question takes. The reader (`answers::load`, `bank::load`) remains the
//! authority: it also checks what a schema cannot (conditions, cycles, dates that exist).

use serde_json::{json, Map, Value};

use crate::bank::{
    AnsweredBy, Bank, Consequence, Evidence, Gap, Kind, Priority, Severity, WhoActs,
};

const DATE: &str = r"^\d{4}-\d{2}-\d{2}$";

fn optional_text() -> Value {
    json!({"type": ["string", "number", "null"]})
}

fn date() -> Value {
    json!({"anyOf": [{"type": "string", "pattern": DATE}, {"type": "null"}]})
}

/// The schema of an answers file for `bank`.
pub fn answers(bank: &Bank) -> Value {
    let mut questions = Map::new();
    for q in &bank.questions {
        let allowed: Vec<&str> = q.allowed_answers();
        let word = json!({"type": "string", "enum": allowed});
        questions.insert(
            q.id.clone(),
            json!({
                "description": format!("{} ({})", q.text, q.kind.label()),
                "anyOf": [
                    {"type": "null"},
                    word,
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "properties": {
                            "answer": {"anyOf": [{"type": "null"}, word]},
                            "note": optional_text(),
                            "evidence": optional_text(),
                            "as_of": date(),
                            "asked_msp": date(),
                            "source": {"type": "string", "enum": ["owner", "msp"]},
                            "replied_by": optional_text(),
                            "replied_on": date(),
                            "msp_comment": optional_text(),
                            "owner_answer": {"anyOf": [{"type": "null"}, word]},
                            "msp_answer": {"anyOf": [{"type": "null"}, word]},
                        }
                    }
                ]
            }),
        );
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("msp-risk answers file for {}", bank.reference()),
        "type": "object",
        "required": ["bank"],
        "additionalProperties": false,
        "properties": {
            "bank": {"type": "string", "description": "The bank and version the answers were given against", "pattern": "^[a-z0-9-]+@.+$"},
            "organization": optional_text(),
            "msp": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The managed service provider's name: a reply from another MSP is refused"},
            "assessed_by": optional_text(),
            "assessed_on": date(),
            "answers": {
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": questions,
            },
            "accepted_risks": {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "required": ["question", "justification"],
                    "additionalProperties": false,
                    "properties": {
                        "question": {"type": "string", "enum": bank.questions.iter().map(|q| q.id.as_str()).collect::<Vec<_>>()},
                        "justification": {"type": "string", "minLength": 1},
                        "approved_by": optional_text(),
                        "expires": date(),
                    }
                }
            }
        }
    })
}

fn words<T: Copy>(all: &[T], id: fn(T) -> &'static str) -> Value {
    json!(all.iter().map(|v| id(*v)).collect::<Vec<_>>())
}

/// The schema of a questionnaire bank.
pub fn bank() -> Value {
    let text = json!({"type": "string", "minLength": 1});
    // `both` is the 1.0 word, still read (as you_ask_msp).
    let mut who_acts = words(WhoActs::ALL, WhoActs::id);
    if let Value::Array(a) = &mut who_acts {
        a.push(json!("both"));
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "msp-risk questionnaire bank",
        "type": "object",
        "required": ["id", "version", "title", "sources", "domains"],
        "additionalProperties": false,
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
            "version": {"type": "string"},
            "title": text,
            "description": {"type": "string"},
            "sources": {"type": "array", "items": {
                "type": "object", "required": ["id", "title"], "additionalProperties": false,
                "properties": {"id": text, "title": text, "publisher": {"type": "string"}, "published": {"type": "string"}, "url": {"type": "string"}}
            }},
            "actions": {"type": "array", "items": {
                "type": "object", "required": ["id", "title", "owner"], "additionalProperties": false,
                "properties": {"id": {"type": "string", "pattern": "^[a-z0-9-]+$"}, "title": text, "owner": {"enum": who_acts.clone()}, "why": {"type": "string"}}
            }},
            "migrations": {"type": "array", "items": {
                "type": "object", "required": ["from"], "additionalProperties": false,
                "properties": {
                    "from": text,
                    "renamed": {"type": "object", "additionalProperties": {"type": "string"}},
                    "retired": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
                    "options": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}}
                }
            }},
            "domains": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["id", "title", "questions"], "additionalProperties": false,
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Z]{2,5}$"},
                    "title": text,
                    "description": {"type": "string"},
                    "weight": {"type": "integer", "minimum": 1, "maximum": 100},
                    "weight_reason": text,
                    "questions": {"type": "array", "minItems": 1, "items": {
                        "type": "object",
                        "required": ["id", "kind", "text", "why", "finding", "severity", "consequences", "recommendation", "who_acts", "references"],
                        "additionalProperties": false,
                        "properties": {
                            "id": {"type": "string", "pattern": r"^[A-Z]{2,5}-\d{2,3}$"},
                            "kind": {"enum": words(Kind::ALL, Kind::id)},
                            "text": text, "why": text, "finding": text, "recommendation": text,
                            "how_to_find_out": text,
                            "answered_by": {"enum": words(AnsweredBy::ALL, AnsweredBy::id)},
                            "severity": {"enum": words(Severity::ALL, Severity::id)},
                            "severity_reason": text,
                            "priority": {"enum": words(Priority::ALL, Priority::id)},
                            "action": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                            "consequences": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": words(Consequence::ALL, Consequence::id)}},
                            "who_acts": {"enum": who_acts},
                            "references": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "required": ["source", "section", "evidence"], "additionalProperties": false,
                                "properties": {"source": text, "section": text, "evidence": {"enum": words(Evidence::ALL, Evidence::id)}, "digest": {"type": "string"}}
                            }},
                            "allow_na": {"type": "boolean"},
                            "when": {"type": "object", "required": ["question", "answer_in"], "additionalProperties": false,
                                "properties": {"question": text, "answer_in": {"type": "array", "minItems": 1, "items": {"type": "string"}}}},
                            "area": text,
                            "confirmed_by": text,
                            "options": {"type": "array", "minItems": 2, "items": {
                                "type": "object", "required": ["id", "label", "gap"], "additionalProperties": false,
                                "properties": {"id": {"type": "string", "pattern": "^[a-z0-9_]+$"}, "label": text, "gap": {"enum": words(Gap::ALL, Gap::id)}}
                            }},
                            "msp_indicator": text,
                            "msp_question": text,
                            "evidence_to_request": text,
                        }
                    }}
                }
            }}
        }
    })
}
