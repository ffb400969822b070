//! Searching the FAQ (よくある質問) the way a member types: full-width and
//! half-width forms alike (ＰＩＮ = PIN, ﾎﾟｲﾝﾄ = ポイント), capitals
//! alike, katakana and hiragana alike, every word of the query somewhere in
//! the question, the answer or the category.

use unicode_normalization::UnicodeNormalization;

use crate::api::FaqEntry;

/// `text` folded for search: NFKC, lower case, katakana as hiragana.
pub fn fold(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            // The katakana block's letters sit 0x60 above their hiragana.
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The entries every word of `query` is found in (all of them for a blank
/// query), in their order.
pub fn search<'a>(entries: &'a [FaqEntry], query: &str) -> Vec<&'a FaqEntry> {
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    entries
        .iter()
        .filter(|entry| {
            let text = fold(&format!(
                "{} {} {}",
                entry.category.as_deref().unwrap_or(""),
                entry.question,
                entry.answer
            ));
            words.iter().all(|word| text.contains(word.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, question: &str, answer: &str) -> FaqEntry {
        FaqEntry {
            id,
            category: Some("ログイン".into()),
            question: question.into(),
            answer: answer.into(),
        }
    }

    #[test]
    fn widths_capitals_and_kana_search_alike() {
        let entries = [
            entry(
                1,
                "ログインIDを忘れました。",
                "お問い合わせフォームからご連絡ください。",
            ),
            entry(2, "ポイントの有効期限は？", "付与日の翌年度末までです。"),
            entry(3, "PINを変えるには", "設定の画面から変えられます。"),
        ];
        let ids =
            |query: &str| -> Vec<i64> { search(&entries, query).iter().map(|e| e.id).collect() };
        assert_eq!(ids("ﾎﾟｲﾝﾄ"), [2], "half-width katakana");
        assert_eq!(ids("ぽいんと"), [2], "hiragana");
        assert_eq!(ids("ｐｉｎ"), [3], "full-width, lower case");
        assert_eq!(ids("ＩＤ　忘れ"), [1], "every word, ideographic space");
        assert_eq!(ids("ログイン"), [1, 2, 3], "the category counts");
        assert_eq!(ids("  "), [1, 2, 3]);
        assert!(ids("ポイント PIN").is_empty());
    }
}
