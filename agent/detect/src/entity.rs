//! Entity types, families and document categories, named exactly as in `docs/taxonomy.md`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The family an entity type belongs to. The headline quality metric is family-level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Family {
    Pii,
    Financial,
    Secret,
    Health,
    /// Findings of a policy's own detectors (dictionaries, regexes, exact-data-match sets).
    Custom,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Pii => "PII",
            Family::Financial => "FINANCIAL",
            Family::Secret => "SECRET",
            Family::Health => "HEALTH",
            Family::Custom => "CUSTOM",
        }
    }
}

macro_rules! entity_types {
    ($( $variant:ident => $name:literal, $family:ident; )*) => {
        /// Every entity type of the taxonomy, plus `Custom` for policy-defined detectors.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EntityType {
            $( $variant, )*
            Custom,
        }

        impl EntityType {
            /// All taxonomy types (excluding `Custom`), in taxonomy order.
            pub const ALL: &'static [EntityType] = &[ $( EntityType::$variant, )* ];

            /// The exact upper-case name used in the taxonomy and the scan contract.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( EntityType::$variant => $name, )*
                    EntityType::Custom => "CUSTOM",
                }
            }

            pub fn family(self) -> Family {
                match self {
                    $( EntityType::$variant => Family::$family, )*
                    EntityType::Custom => Family::Custom,
                }
            }

            /// Parses a taxonomy name (exact, upper-case).
            pub fn from_name(name: &str) -> Option<EntityType> {
                match name {
                    $( $name => Some(EntityType::$variant), )*
                    "CUSTOM" => Some(EntityType::Custom),
                    _ => None,
                }
            }
        }
    };
}

entity_types! {
    Person => "PERSON", Pii;
    Email => "EMAIL", Pii;
    Phone => "PHONE", Pii;
    Address => "ADDRESS", Pii;
    DateOfBirth => "DATE_OF_BIRTH", Pii;
    UsSsn => "US_SSN", Pii;
    Passport => "PASSPORT", Pii;
    DriverLicense => "DRIVER_LICENSE", Pii;
    NationalId => "NATIONAL_ID", Pii;
    IpAddress => "IP_ADDRESS", Pii;
    CreditCard => "CREDIT_CARD", Financial;
    Iban => "IBAN", Financial;
    BankAccount => "BANK_ACCOUNT", Financial;
    UsRoutingNumber => "US_ROUTING_NUMBER", Financial;
    SwiftBic => "SWIFT_BIC", Financial;
    AwsAccessKey => "AWS_ACCESS_KEY", Secret;
    AwsSecretKey => "AWS_SECRET_KEY", Secret;
    GithubToken => "GITHUB_TOKEN", Secret;
    GitlabToken => "GITLAB_TOKEN", Secret;
    SlackToken => "SLACK_TOKEN", Secret;
    SlackWebhook => "SLACK_WEBHOOK", Secret;
    StripeKey => "STRIPE_KEY", Secret;
    OpenaiApiKey => "OPENAI_API_KEY", Secret;
    AnthropicApiKey => "ANTHROPIC_API_KEY", Secret;
    GoogleApiKey => "GOOGLE_API_KEY", Secret;
    AzureKey => "AZURE_KEY", Secret;
    PrivateKey => "PRIVATE_KEY", Secret;
    Jwt => "JWT", Secret;
    Password => "PASSWORD", Secret;
    ConnectionString => "CONNECTION_STRING", Secret;
    GenericSecret => "GENERIC_SECRET", Secret;
    MedicalRecordNumber => "MEDICAL_RECORD_NUMBER", Health;
    HealthCondition => "HEALTH_CONDITION", Health;
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EntityType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EntityType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        EntityType::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown entity type `{name}`")))
    }
}

/// Document categories (multi-label) describing what a paste is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    SourceCode,
    Credentials,
    CustomerData,
    Health,
    Financial,
    Hr,
    Legal,
    None,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::SourceCode,
        Category::Credentials,
        Category::CustomerData,
        Category::Health,
        Category::Financial,
        Category::Hr,
        Category::Legal,
        Category::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::SourceCode => "source_code",
            Category::Credentials => "credentials",
            Category::CustomerData => "customer_data",
            Category::Health => "health",
            Category::Financial => "financial",
            Category::Hr => "hr",
            Category::Legal => "legal",
            Category::None => "none",
        }
    }

    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in EntityType::ALL {
            assert_eq!(EntityType::from_name(t.as_str()), Some(*t));
        }
        assert_eq!(EntityType::ALL.len(), 33);
        for c in Category::ALL {
            assert_eq!(Category::from_name(c.as_str()), Some(*c));
        }
    }
}
