//! The identifiers a member types: card symbol and number, insurer number,
//! login ID, e-mail, nickname, auth key. Parsed or refused, never a panic;
//! what parses parses again to itself.
#![no_main]

use kenpo_domain::id::{
    AuthKey, BranchNumber, CardNumber, CardSymbol, Email, EmployeeNumber, InsurerNumber, LoginId,
    Nickname,
};

macro_rules! round_trip {
    ($ty:ty, $text:expr) => {
        if let Ok(id) = <$ty>::parse($text) {
            let again = <$ty>::parse(&id.to_string()).expect("a parsed value parses again");
            assert_eq!(again.to_string(), id.to_string());
        }
    };
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        round_trip!(InsurerNumber, text);
        round_trip!(CardSymbol, text);
        round_trip!(CardNumber, text);
        round_trip!(BranchNumber, text);
        round_trip!(EmployeeNumber, text);
        round_trip!(AuthKey, text);
        round_trip!(Email, text);
        round_trip!(LoginId, text);
        round_trip!(Nickname, text);
        let _ = kenpo_domain::api::postal_code_digits(text);
    }
});
