//! The insurer's settings (`--config FILE`, TOML). Every field has a
//! default, so `serve` needs no file at all.
//!
//! ```toml
//! name = "けんぽデスク健康保険組合"
//! insurer_number = "06273494"
//! entry_window_days = 30
//! mail_from = "noreply@kenpo.example"
//! expiring_soon_days = 90  # how far ahead members are warned of expiring points
//!
//! [registration]          # which relationships may use each way in; [] switches it off
//! email_identity = ["insured"]
//! issued_id = ["insured"]
//! dependent_card = ["dependent_spouse"]
//!
//! [password_policy]       # kenpo-domain's policy; the leaflet's legacy rule:
//! min_length = 8          #   characters = "lowercase_and_digits"
//!
//! [server]
//! trusted_proxies = ["10.0.0.5", "10.1.0.0/16"]  # whose X-Forwarded-For counts
//! ```

use std::path::Path;

use kenpo_domain::api::RegistrationMethod;
use kenpo_domain::entry::EntryWindow;
use kenpo_domain::id::InsurerNumber;
use kenpo_domain::member::Relationship;
use kenpo_domain::password::PasswordPolicy;
use kenpo_domain::points::RuleSet;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsurerConfig {
    pub name: String,
    pub insurer_number: InsurerNumber,
    pub entry_window_days: EntryWindow,
    pub mail_from: String,
    pub registration: RegistrationSettings,
    pub password_policy: PasswordPolicy,
    /// A points rules file (TOML); the default table of DOMAIN.md otherwise.
    pub rules_file: Option<std::path::PathBuf>,
    /// How far ahead `GET /api/v1/points` warns of expiring points.
    pub expiring_soon_days: u32,
    pub server: ServerSettings,
}

/// How the server meets the network.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Reverse proxies in front of the server: only from these is
    /// `X-Forwarded-For` believed (otherwise anyone could pick the address
    /// the per-address limits count).
    pub trusted_proxies: Vec<Network>,
}

/// An address (`10.0.0.5`) or a network (`10.1.0.0/16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Network(ipnet::IpNet);

impl TryFrom<String> for Network {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let text = text.trim();
        text.parse::<ipnet::IpNet>()
            .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map(Network)
            .map_err(|_| format!("{text:?} is not an address or a network (10.0.0.0/8)"))
    }
}

impl ServerSettings {
    /// The client's address: the socket's peer, or, when the peer is a
    /// trusted proxy, the last address in `X-Forwarded-For` that is not one.
    pub fn client_ip(
        &self,
        peer: std::net::IpAddr,
        forwarded_for: Option<&str>,
    ) -> std::net::IpAddr {
        let trusted =
            |ip: &std::net::IpAddr| self.trusted_proxies.iter().any(|net| net.0.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or("").rsplit(',') {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !trusted(&ip) {
                        break;
                    }
                }
                // A hop we cannot read: stop at the last one we could.
                Err(_) => break,
            }
        }
        client
    }
}

/// Who may use each way in. DOMAIN.md's default: insured persons with an
/// employee number get an issued ID, those without use e-mail and
/// identity, dependent spouses register with their card.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationSettings {
    pub email_identity: Vec<Relationship>,
    pub issued_id: Vec<Relationship>,
    pub dependent_card: Vec<Relationship>,
}

impl Default for RegistrationSettings {
    fn default() -> Self {
        Self {
            email_identity: vec![Relationship::Insured],
            issued_id: vec![Relationship::Insured],
            dependent_card: vec![Relationship::DependentSpouse],
        }
    }
}

impl RegistrationSettings {
    pub fn allows(&self, method: RegistrationMethod, who: Relationship) -> bool {
        let list = match method {
            RegistrationMethod::EmailIdentity => &self.email_identity,
            RegistrationMethod::IssuedId => &self.issued_id,
            RegistrationMethod::DependentCard => &self.dependent_card,
        };
        list.contains(&who)
    }

    /// The ways in that anybody may use.
    pub fn methods(&self) -> Vec<RegistrationMethod> {
        [
            (RegistrationMethod::EmailIdentity, &self.email_identity),
            (RegistrationMethod::IssuedId, &self.issued_id),
            (RegistrationMethod::DependentCard, &self.dependent_card),
        ]
        .into_iter()
        .filter(|(_, who)| !who.is_empty())
        .map(|(method, _)| method)
        .collect()
    }
}

impl Default for InsurerConfig {
    fn default() -> Self {
        Self {
            name: "けんぽデスク健康保険組合".to_owned(),
            insurer_number: "06273494"
                .parse()
                .expect("the demo insurer number is valid"),
            entry_window_days: EntryWindow::default(),
            mail_from: "noreply@kenpo.example".to_owned(),
            registration: RegistrationSettings::default(),
            password_policy: PasswordPolicy::default(),
            rules_file: None,
            expiring_soon_days: 90,
            server: ServerSettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid settings file: {message}")]
    Invalid { path: String, message: String },
}

impl InsurerConfig {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: shown,
            message: e.to_string(),
        })
    }

    /// The points rules: the configured file, or the default table.
    pub fn rules(&self) -> Result<RuleSet, ConfigError> {
        let Some(path) = &self.rules_file else {
            return Ok(RuleSet::default());
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        RuleSet::from_toml(&text).map_err(|e| ConfigError::Invalid {
            path: shown,
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let settings: InsurerConfig =
            toml::from_str("[server]\ntrusted_proxies = [\"10.0.0.5\", \"10.1.0.0/16\"]\n")
                .unwrap();
        let server = settings.server;
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        // Straight from the internet: the header is the client's to invent.
        assert_eq!(
            server.client_ip(ip("203.0.113.9"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
        // Through our proxy: the last hop it saw.
        assert_eq!(
            server.client_ip(ip("10.0.0.5"), Some("1.2.3.4, 198.51.100.7")),
            ip("198.51.100.7")
        );
        // Through two of ours: the first one not ours, from the right.
        assert_eq!(
            server.client_ip(ip("10.0.0.5"), Some("1.2.3.4, 198.51.100.7, 10.1.2.3")),
            ip("198.51.100.7")
        );
        assert_eq!(server.client_ip(ip("10.0.0.5"), None), ip("10.0.0.5"));
        assert_eq!(
            server.client_ip(ip("10.0.0.5"), Some("garbage")),
            ip("10.0.0.5")
        );
    }
    use super::*;

    #[test]
    fn defaults_match_domain_md() {
        let config = InsurerConfig::default();
        assert_eq!(
            config.registration.methods().len(),
            3,
            "all three ways are on by default"
        );
        assert!(
            config
                .registration
                .allows(RegistrationMethod::EmailIdentity, Relationship::Insured)
        );
        assert!(!config.registration.allows(
            RegistrationMethod::EmailIdentity,
            Relationship::DependentSpouse
        ));
        assert!(config.rules().is_ok());
    }

    #[test]
    fn an_insurer_can_switch_a_way_off_and_use_the_legacy_rule() {
        let config: InsurerConfig = toml::from_str(
            "[registration]\ndependent_card = []\n[password_policy]\nmin_length = 8\ncharacters = \"lowercase_and_digits\"\n",
        )
        .unwrap();
        assert_eq!(
            config.registration.methods(),
            vec![
                RegistrationMethod::EmailIdentity,
                RegistrationMethod::IssuedId
            ]
        );
        assert_eq!(config.password_policy.min_length, 8);
    }

    #[test]
    fn typos_are_errors() {
        assert!(toml::from_str::<InsurerConfig>("nmae = \"x\"").is_err());
        assert!(
            toml::from_str::<InsurerConfig>("insurer_number = \"06273495\"").is_err(),
            "check digit"
        );
    }
}
