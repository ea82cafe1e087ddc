//! The fixed vocabularies of banks and answers files: each word a file may use, and the
//! plain-language label a person sees for it.

use serde::{Serialize, Serializer};

/// Declares a closed vocabulary: an enum whose variants are written in files as `id` and
/// shown to people as `label`.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $id:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word used in YAML files and JSON output.
            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id,)+ }
            }

            /// The words a person sees.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Reads the word used in files; `None` if it is not in the vocabulary.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($id => Some($name::$variant),)+ _ => None }
            }

            /// The allowed words, comma-separated, for error messages.
            pub fn ids() -> String {
                let ids: Vec<&str> = Self::ALL.iter().map(|v| v.id()).collect();
                ids.join(", ")
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.id())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let ids: Vec<&str> = Self::ALL.iter().map(|v| v.id()).collect();
                schemars::json_schema!({ "type": "string", "enum": ids })
            }
        }
    };
}

vocabulary! {
    /// How bad a gap in this area is, before the size of the gap is counted. Ordered from
    /// least to most severe, so `max()` gives the worst.
    Severity {
        /// A useful improvement.
        Low = "low", "Low";
        /// Worth fixing this year.
        Medium = "medium", "Medium";
        /// Fix soon: the guidance treats it as important.
        High = "high", "High";
        /// Fix now: one of the actions the guidance says to take today.
        Critical = "critical", "Critical";
    }
}

impl Severity {
    /// The weight of a question of this severity in every score.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Critical => 8,
            Severity::High => 4,
            Severity::Medium => 2,
            Severity::Low => 1,
        }
    }

    /// One level lower (a partial gap), never below low.
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium | Severity::Low => Severity::Low,
        }
    }
}

vocabulary! {
    /// The losses CISA lists for MSP customers; a question says which it guards against.
    Consequence {
        /// Loss of core systems or services.
        Systems = "systems", "Loss of core systems or services";
        /// Loss of confidentiality, integrity or availability of data.
        Data = "data", "Loss of confidentiality, integrity or availability of data";
        /// Loss of customer or market confidence.
        Confidence = "confidence", "Loss of customer or market confidence";
        /// Lost productivity from operational disruption.
        Productivity = "productivity", "Lost productivity from disruption";
        /// Financial loss, including fines, legal and regulatory costs.
        Financial = "financial", "Financial loss, fines and legal costs";
    }
}

vocabulary! {
    /// Who acts on a gap, concretely: the owner, the MSP, or the owner asking the MSP.
    WhoActs {
        /// The business itself: decide, name a person, write a plan.
        You = "you", "You";
        /// The MSP does the work (configure, patch, close a port).
        Msp = "msp", "Your MSP";
        /// The owner has to ask or require it of the MSP: a contract change, evidence, a
        /// confirmation.
        YouAskMsp = "you_ask_msp", "You: ask your MSP";
    }
}

impl WhoActs {
    /// Reads a `who_acts` word; `both`, the 1.0 word for "both act", reads as
    /// [`WhoActs::YouAskMsp`] (the owner has to get the MSP to act).
    pub fn parse_compat(s: &str) -> Option<WhoActs> {
        match s {
            "both" => Some(WhoActs::YouAskMsp),
            _ => WhoActs::parse(s),
        }
    }
}

vocabulary! {
    /// Within a risk level, which findings come first: CISA's "do today" actions for MSP
    /// customers, then the routes attackers use through MSPs, then recovery, governance and
    /// the rest. Declared in that order (earlier is more urgent).
    Priority {
        /// CISA's "do today" actions for MSP customers (AA22-131A; the Kaseya customer
        /// lessons).
        DoToday = "do_today", "Do today (CISA)";
        /// A route attackers use through MSPs.
        AttackRoute = "attack_route", "Attack route";
        /// Detect, respond and recover.
        Recovery = "recovery", "Recovery";
        /// Who owns the risk, the contract, oversight.
        Governance = "governance", "Governance";
        /// Everything else.
        Hygiene = "hygiene", "Hygiene";
    }
}

vocabulary! {
    /// How directly the digest read the guidance behind a reference (see the digest's
    /// method notes): A primary text, B quoted on a secondary page, C paraphrase only.
    Evidence {
        /// Read in the primary document.
        A = "A", "primary text";
        /// Quoted on a secondary page.
        B = "B", "quoted by a secondary source";
        /// Secondary paraphrase only; not verified.
        C = "C", "secondary summary, not verified";
    }
}

vocabulary! {
    /// Who can answer a question: the owner, or only the MSP (the interview offers to send
    /// those to the MSP, and the "how to find out" line says how to check).
    AnsweredBy {
        /// The owner knows, or can find out on their own.
        Owner = "owner", "You";
        /// Only the MSP can answer it (a fact about its systems, practices or contract terms).
        Msp = "msp", "Your MSP";
    }
}

vocabulary! {
    /// What kind of answer a question takes.
    Kind {
        /// Yes / Partly / No.
        YesNo = "yes_no", "yes/no";
        /// Who is responsible: us, the MSP, shared, a vendor, nobody.
        Ownership = "ownership", "ownership";
        /// One of the options the bank lists.
        Choice = "choice", "choice";
    }
}

vocabulary! {
    /// The size of a gap, for choice options.
    Gap {
        /// No gap.
        None = "none", "no gap";
        /// Half a gap.
        Partial = "partial", "partial gap";
        /// A full gap.
        Full = "full", "full gap";
    }
}

impl Gap {
    /// The fraction of the question's weight that is lost.
    pub fn fraction(self) -> f64 {
        match self {
            Gap::None => 0.0,
            Gap::Partial => 0.5,
            Gap::Full => 1.0,
        }
    }
}

vocabulary! {
    /// Who is responsible for an area (answers to ownership questions, besides `unknown`).
    Owner {
        /// The business itself.
        Us = "us", "Us";
        /// The managed service provider.
        Msp = "msp", "Our MSP";
        /// Both, with a split.
        Shared = "shared", "Shared (us and our MSP)";
        /// A software or cloud vendor.
        Vendor = "vendor", "A software vendor";
        /// Nobody does it.
        Nobody = "nobody", "Nobody";
    }
}

vocabulary! {
    /// Answers to yes/no questions, besides `unknown`.
    YesNo {
        /// Fully in place.
        Yes = "yes", "Yes";
        /// Partly in place.
        Partial = "partial", "Partly";
        /// Not in place.
        No = "no", "No";
        /// Does not apply to this business (only where the question allows it).
        Na = "na", "Does not apply to us";
    }
}

impl Kind {
    /// "a yes/no question", "an ownership question", "a choice question".
    pub fn phrase(self) -> &'static str {
        match self {
            Kind::YesNo => "a yes/no question",
            Kind::Ownership => "an ownership (who is responsible) question",
            Kind::Choice => "a choice question",
        }
    }
}
