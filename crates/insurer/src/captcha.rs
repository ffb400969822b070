//! The registration captcha (認証文字): five characters drawn with noise and
//! waves, which the member types next to their identity details.
//!
//! ```
//! use kenpo_insurer::captcha::{answers_match, new_challenge};
//!
//! let challenge = new_challenge();
//! // Keep `challenge.answer` on the server; send `challenge.png` to the client.
//! assert!(answers_match(&challenge.answer, &challenge.answer.to_lowercase()));
//! ```

use captcha::Captcha;
use captcha::filters::{Dots, Noise, Wave};
use subtle::ConstantTimeEq;

/// Upper-case letters and digits that stay distinct under distortion and
/// whatever the case typed: none of 0 O Q, 1 I L, 2 Z, 5 S, 6 G, 8 B; no M
/// or W either, because five of those would not fit the image.
pub const ALPHABET: &[char] = &[
    '3', '4', '7', '9', 'A', 'C', 'D', 'E', 'F', 'H', 'J', 'K', 'N', 'P', 'R', 'T', 'U', 'V', 'X',
    'Y',
];

pub const ANSWER_LENGTH: u32 = 5;
pub const WIDTH: u32 = 240;
pub const HEIGHT: u32 = 80;

/// A captcha to show, and the answer to keep on the server.
#[derive(Clone)]
pub struct Challenge {
    pub answer: String,
    pub png: Vec<u8>,
}

impl std::fmt::Debug for Challenge {
    // The answer is a secret for as long as the challenge is open.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("png_bytes", &self.png.len())
            .finish_non_exhaustive()
    }
}

/// A fresh random challenge, a PNG of [`WIDTH`]×[`HEIGHT`] pixels.
pub fn new_challenge() -> Challenge {
    let mut captcha = Captcha::new();
    captcha
        .set_chars(ALPHABET)
        .add_chars(ANSWER_LENGTH)
        .apply_filter(Noise::new(0.2))
        .apply_filter(Wave::new(2.0, 6.0).horizontal())
        .apply_filter(Wave::new(2.0, 4.0).vertical())
        .view(WIDTH, HEIGHT)
        .apply_filter(Dots::new(12).min_radius(3).max_radius(6));
    let png = captcha
        .as_png()
        // Encoding a small in-memory image fails only on a bug in the crate.
        .expect("the captcha crate encodes its own image as PNG");
    Challenge {
        answer: captcha.chars_as_string(),
        png,
    }
}

/// Whether `given` (as typed) answers `expected`: case, surrounding and inner
/// spaces and full-width letters and digits (as a Japanese IME types them)
/// do not matter. The comparison takes the same time wherever the first
/// difference lies.
pub fn answers_match(expected: &str, given: &str) -> bool {
    let expected = normalize(expected);
    let given = normalize(given);
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // Full-width ASCII (U+FF01..=U+FF5E) mirrors U+0021..=U+007E.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_is_a_png_of_the_stated_size() {
        let challenge = new_challenge();
        let png = &challenge.png;
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "PNG signature expected"
        );
        // The IHDR chunk comes first: length, "IHDR", width, height.
        assert_eq!(&png[12..16], b"IHDR", "a well-formed PNG starts with IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
        let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
        assert_eq!((width, height), (WIDTH, HEIGHT));
    }

    #[test]
    fn answers_use_only_the_alphabet() {
        let supported = Captcha::new().supported_chars();
        assert!(
            ALPHABET.iter().all(|c| supported.contains(c)),
            "every character of the alphabet must exist in the captcha font"
        );
        for _ in 0..20 {
            let answer = new_challenge().answer;
            assert_eq!(answer.chars().count(), ANSWER_LENGTH as usize, "{answer}");
            assert!(
                answer.chars().all(|c| ALPHABET.contains(&c)),
                "{answer} has a character outside the alphabet"
            );
        }
    }

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        for c in [
            '0', 'O', 'o', '1', 'l', 'I', 'i', '5', 'S', '8', 'B', '2', 'Z',
        ] {
            assert!(!ALPHABET.contains(&c), "{c} is easily mistaken");
        }
    }

    #[test]
    fn answers_match_case_width_and_space_variants() {
        for given in [
            "A3K7P",
            "a3k7p",
            " A3K7P\n",
            "Ａ３Ｋ７Ｐ",
            "ａ３ｋ７ｐ",
            "\u{3000}A3 K7P",
        ] {
            assert!(answers_match("A3K7P", given), "{given:?} should match");
        }
    }

    #[test]
    fn answers_match_refuses_other_answers() {
        for given in [
            "",
            "A3K7",
            "A3K7PP",
            "A3K7Q",
            "P7K3A",
            "A3K7P\u{0}",
            "Ａ３Ｋ７Ｑ",
        ] {
            assert!(!answers_match("A3K7P", given), "{given:?} should not match");
        }
        assert!(
            !answers_match("", ""),
            "an empty expected answer matches nothing"
        );
    }
}
