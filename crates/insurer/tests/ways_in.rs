//! The three ways in, sessions and their limits: one story suite, run on
//! SQLite and on PostgreSQL.

mod common;

use common::{Backend, TestServer};
use serde_json::{Value, json};

const SATO: &str = "misaki@example.jp";
const GOOD_PASSWORD: &str = "sakura-mochi-2026";

async fn email_identity_from_start_to_login(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (key, confirmation) = s.through_identity(SATO).await;
    assert_eq!(key.len(), 8);
    assert!(key.chars().all(|c| c.is_ascii_digit()));
    let mail = s.mail(SATO, "本人確認完了").await;
    assert!(
        !mail["body"].as_str().unwrap().contains(&key),
        "the auth key is never mailed"
    );

    let (status, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let setup = body["setup_token"].as_str().unwrap().to_owned();
    let (status, body) = s
        .post(
            "/registrations/account",
            json!({"setup_token": setup, "login_id": "Misaki.Sato@Example.jp", "password": GOOD_PASSWORD,
                   "notification_email": SATO, "nickname": "みさき"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["member_id"].as_i64().is_some());

    let (status, session) = s.login("misaki.sato@example.jp", GOOD_PASSWORD).await;
    assert_eq!(
        status, 200,
        "login IDs compare case-insensitively: {session}"
    );
    assert_eq!(session["password_change_required"], false);
    assert_eq!(session["member"]["kind"], "insured");
    assert_eq!(session["member"]["nickname"], "みさき");
    let access = session["access_token"].as_str().unwrap();
    let (status, account) = s.get_auth("/account", access).await;
    assert_eq!(status, 200);
    assert_eq!(account["login_id"], "misaki.sato@example.jp");
    assert_eq!(account["notification_email"], SATO);

    // The setup token was single use.
    let (status, body) = s
        .post(
            "/registrations/account",
            json!({"setup_token": setup, "login_id": "other@example.jp", "password": GOOD_PASSWORD,
                   "notification_email": SATO, "nickname": "x"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (410, json!("token_expired"))
    );
    s.finish().await;
}

async fn links_expire_at_their_exact_edge(backend: Backend) {
    let s = TestServer::start(backend).await;
    // 3 hours: usable one second before, gone one second after.
    let early = s.registration_token("a@example.jp").await;
    let late = s.registration_token("b@example.jp").await;
    s.advance(3 * 3600 - 1).await;
    let (status, body) = s.identity(&early, "1990-07-20", "1002").await;
    assert_eq!(status, 200, "3 h − 1 s: still valid {body}");
    s.advance(2).await;
    let (status, body) = s.identity(&late, "1990-07-20", "1002").await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (410, json!("token_expired")),
        "3 h + 1 s"
    );

    // 30 minutes for the confirmation link, counted from the identity check.
    let (key, confirmation) = s.through_identity("c@example.jp").await;
    let wrong = common::other_key(&key);
    s.advance(30 * 60 - 1).await;
    let (status, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": &wrong}),
        )
        .await;
    assert_eq!(
        status, 422,
        "30 min − 1 s: still valid, the key is checked {body}"
    );
    s.advance(2).await;
    let (status, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (410, json!("token_expired")),
        "30 min + 1 s"
    );
    s.finish().await;
}

async fn five_wrong_keys_void_the_registration(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (key, confirmation) = s.through_identity(SATO).await;
    let wrong = common::other_key(&key);
    for left in (0..5).rev() {
        let (status, body) = s
            .post(
                "/registrations/auth-key",
                json!({"token": confirmation, "auth_key": &wrong}),
            )
            .await;
        assert_eq!(
            (status.as_u16(), body["error"]["code"].clone()),
            (422, json!("auth_key_mismatch"))
        );
        if left > 0 {
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{left} tries left")),
                "{body}"
            );
        }
    }
    let (status, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (410, json!("token_expired")),
        "void after five"
    );
    s.finish().await;
}

async fn fifty_parallel_wrong_keys_get_five_comparisons(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (key, confirmation) = s.through_identity(SATO).await;
    let wrong = common::other_key(&key);
    let url = s.url("/registrations/auth-key");
    let tries = (0..50).map(|_| {
        let client = s.client.clone();
        let url = url.clone();
        let body = json!({"token": confirmation, "auth_key": &wrong});
        tokio::spawn(async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|&&c| c == 422).count(),
        5,
        "exactly five comparisons: {statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&c| c == 410).count(), 45);
    let (status, _) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    assert_eq!(status, 410, "the right key comes too late");
    s.finish().await;
}

async fn steps_cannot_be_skipped_or_repeated(backend: Backend) {
    let s = TestServer::start(backend).await;
    let registration = s.registration_token(SATO).await;
    // The step-1 token is not a confirmation token, nor a setup token.
    let (status, _) = s
        .post(
            "/registrations/auth-key",
            json!({"token": registration, "auth_key": "00000000"}),
        )
        .await;
    assert_eq!(status, 410);
    let (status, _) = s
        .post(
            "/registrations/account",
            json!({"setup_token": registration, "login_id": "x@example.jp", "password": GOOD_PASSWORD,
                   "notification_email": SATO, "nickname": "x"}),
        )
        .await;
    assert_eq!(status, 410);
    let (status, body) = s.identity(&registration, "1990-07-20", "1002").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = s.identity(&registration, "1990-07-20", "1002").await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (410, json!("token_expired")),
        "single use"
    );
    s.finish().await;
}

async fn identity_mismatch_tells_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Register 佐藤 first, so that "already registered" can be tried.
    register_sato(&s).await;
    let mut answers: Vec<(&str, u16, Value)> = Vec::new();
    let cases = [
        ("wrong birth date", "1990-07-21", "1002", "female", "10"),
        ("unknown card", "1990-07-20", "9999", "female", "10"),
        ("wrong sex", "1990-07-20", "1002", "male", "10"),
        ("already registered", "1990-07-20", "1002", "female", "10"),
        ("dependent spouse", "1982-05-15", "1001", "female", "10"),
        ("other family member", "2010-04-01", "1001", "male", "10"),
        (
            "insured with an issued ID",
            "1980-01-01",
            "1001",
            "male",
            "10",
        ),
        (
            "malformed card number",
            "1990-07-20",
            "１００２あ",
            "female",
            "10",
        ),
    ];
    for (i, (case, birth, number, sex, symbol)) in cases.into_iter().enumerate() {
        let token = s.registration_token(&format!("probe{i}@example.jp")).await;
        let (captcha_id, answer) = s.captcha().await;
        let (status, body) = s
            .post(
                "/registrations/identity",
                json!({"token": token, "birth_date": birth, "sex": sex, "card_number": number,
                       "card_symbol": symbol, "captcha_id": captcha_id, "captcha_answer": answer}),
            )
            .await;
        answers.push((case, status.as_u16(), body));
    }
    let (_, first_status, first_body) = &answers[0];
    assert_eq!(*first_status, 422);
    assert_eq!(first_body["error"]["code"], "identity_mismatch");
    for (case, status, body) in &answers {
        assert_eq!(
            (status, body),
            (first_status, first_body),
            "{case} answers like every other mismatch"
        );
    }
    s.finish().await;
}

/// The notice goes to the member's own address: a mail to the requester
/// would confirm that the card, birth date and sex they typed match.
async fn an_identity_already_registered_is_told_to_its_member_only(backend: Backend) {
    let s = TestServer::start(backend).await;
    register_sato(&s).await;
    let stranger = "stranger@example.jp";
    let token = s.registration_token(stranger).await;
    let (status, body) = s.identity(&token, "1990-07-20", "1002").await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (422, json!("identity_mismatch"))
    );
    let notice = s.mail(SATO, "利用登録についてのお知らせ").await;
    assert!(
        !notice["body"].as_str().unwrap().contains(stranger),
        "the member is not told the requester's address"
    );
    assert_eq!(
        s.mails_to(stranger).await,
        1,
        "the requester has the registration mail only"
    );
    s.finish().await;
}

async fn register_sato(s: &TestServer) {
    let (key, confirmation) = s.through_identity(SATO).await;
    let (_, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    let (status, body) = s
        .post(
            "/registrations/account",
            json!({"setup_token": body["setup_token"], "login_id": SATO, "password": GOOD_PASSWORD,
                   "notification_email": SATO, "nickname": "みさき"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn the_account_form_names_what_is_wrong(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (key, confirmation) = s.through_identity(SATO).await;
    let (_, body) = s
        .post(
            "/registrations/auth-key",
            json!({"token": confirmation, "auth_key": key}),
        )
        .await;
    let setup = body["setup_token"].clone();
    let form = |login: &str, password: &str, email: &str, nickname: &str| {
        json!({"setup_token": setup, "login_id": login, "password": password,
               "notification_email": email, "nickname": nickname})
    };
    let cases = [
        (
            form(SATO, "short", SATO, "x"),
            "password_policy",
            "password",
        ),
        (
            form(SATO, "password1234", SATO, "x"),
            "password_policy",
            "password",
        ),
        (
            form(SATO, "misaki@example.jp-long", SATO, "x"),
            "password_policy",
            "password",
        ),
        (
            form("not-an-email", GOOD_PASSWORD, SATO, "x"),
            "invalid_email",
            "login_id",
        ),
        (
            form("U100001", GOOD_PASSWORD, SATO, "x"),
            "invalid_email",
            "login_id",
        ),
        (
            form(SATO, GOOD_PASSWORD, "nope", "x"),
            "invalid_email",
            "notification_email",
        ),
        (
            form(SATO, GOOD_PASSWORD, SATO, ""),
            "validation",
            "nickname",
        ),
    ];
    for (body, code, field) in cases {
        let (status, answer) = s.post("/registrations/account", body).await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
        assert!(
            !answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains(GOOD_PASSWORD)
        );
    }
    // The form can still be completed after the refusals.
    let (status, body) = s
        .post(
            "/registrations/account",
            form(SATO, GOOD_PASSWORD, SATO, "みさき"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    s.finish().await;
}

async fn issued_id_must_change_its_birth_date_password_first(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, body) = s.login("U100001", "19800102").await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (401, json!("invalid_credentials"))
    );
    let (status, session) = s.login("u100001", "19800101").await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["password_change_required"], true);
    let access = session["access_token"].as_str().unwrap().to_owned();
    let (status, body) = s.get_auth("/account", &access).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (403, json!("password_change_required"))
    );

    let (status, body) = s
        .put_auth(
            "/account/password",
            &access,
            json!({"current_password": "19800101", "new_password": "19800101"}),
        )
        .await;
    assert_eq!(status, 422, "the birth date is not a password: {body}");
    let (status, body) = s
        .put_auth(
            "/account/password",
            &access,
            json!({"current_password": "19800101", "new_password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, account) = s.get_auth("/account", &access).await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["login_id"], "U100001");
    let (status, _) = s.login("U100001", "19800101").await;
    assert_eq!(status, 401, "the initial password is gone");
    let (status, _) = s.login("U100001", GOOD_PASSWORD).await;
    assert_eq!(status, 200);
    s.finish().await;
}

async fn dependent_spouse_registers_with_the_card(backend: Backend) {
    let s = TestServer::start(backend).await;
    let form = |insurer: &str,
                birth: &str,
                number: &str,
                login: &str,
                captcha: &(String, String)| {
        json!({"card_symbol": "10", "card_number": number, "insurer_number": insurer, "birth_date": birth,
               "captcha_id": captcha.0, "captcha_answer": captcha.1, "login_id": login,
               "password": GOOD_PASSWORD, "notification_email": "hanako@example.jp", "nickname": "はなこ"})
    };
    let c = s.captcha().await;
    let (status, body) = s
        .post(
            "/registrations/dependent",
            form("06273495", "1982-05-15", "1001", "hanako@example.jp", &c),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (422, json!("invalid_insurer_number"))
    );
    let c = s.captcha().await;
    let (status, body) = s
        .post(
            "/registrations/dependent",
            form("06273494", "1982-05-16", "1001", "hanako@example.jp", &c),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (422, json!("identity_mismatch"))
    );
    let c = s.captcha().await;
    let (status, body) = s
        .post(
            "/registrations/dependent",
            form("06273494", "2010-04-01", "1001", "ichiro@example.jp", &c),
        )
        .await;
    assert_eq!(
        body["error"]["code"], "identity_mismatch",
        "children are not in the program: {status}"
    );
    let c = (s.captcha().await.0, "WRONG".to_owned());
    let (status, body) = s
        .post(
            "/registrations/dependent",
            form("06273494", "1982-05-15", "1001", "hanako@example.jp", &c),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].clone()),
        (422, json!("captcha_mismatch"))
    );
    let c = s.captcha().await;
    let (status, body) = s
        .post(
            "/registrations/dependent",
            form(
                "０６２７３４９４",
                "1982-05-15",
                "1001",
                "hanako@example.jp",
                &c,
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let c = s.captcha().await;
    let (status, body) = s
        .post(
            "/registrations/dependent",
            form("06273494", "1982-05-15", "1001", "hanako2@example.jp", &c),
        )
        .await;
    assert_eq!(
        body["error"]["code"], "identity_mismatch",
        "one account per person: {status}"
    );
    let (status, session) = s.login("hanako@example.jp", GOOD_PASSWORD).await;
    assert_eq!(status, 200);
    assert_eq!(session["member"]["kind"], "dependent_spouse");
    s.finish().await;
}

async fn a_reused_refresh_token_ends_the_session(backend: Backend) {
    let s = TestServer::start(backend).await;
    register_sato(&s).await;
    let (_, first) = s.login(SATO, GOOD_PASSWORD).await;
    let (status, second) = s
        .post(
            "/sessions/refresh",
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let (status, _) = s
        .get_auth("/account", first["access_token"].as_str().unwrap())
        .await;
    assert_eq!(
        status, 401,
        "the old access token went with the old refresh token"
    );
    let new_access = second["access_token"].as_str().unwrap().to_owned();
    let (status, _) = s.get_auth("/account", &new_access).await;
    assert_eq!(status, 200);
    // The old refresh token comes back (stolen?): the whole session ends.
    let (status, _) = s
        .post(
            "/sessions/refresh",
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = s.get_auth("/account", &new_access).await;
    assert_eq!(status, 401, "reuse ended the session");
    let (status, _) = s
        .post(
            "/sessions/refresh",
            json!({"refresh_token": second["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 401);
    s.finish().await;
}

async fn failed_logins_are_throttled(backend: Backend) {
    let s = TestServer::start(backend).await;
    register_sato(&s).await;
    for _ in 0..5 {
        let (status, _) = s.login(SATO, "wrong password!").await;
        assert_eq!(status, 401);
    }
    let res = s
        .client
        .post(s.url("/sessions"))
        .json(&json!({"login_id": SATO, "password": GOOD_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right password waits");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry));
    s.advance(15 * 60).await;
    let (status, _) = s.login(SATO, GOOD_PASSWORD).await;
    assert_eq!(status, 200, "a new window");
    // Unknown IDs answer exactly like wrong passwords.
    let (a_status, a) = s.login("nobody@example.jp", "wrong password!").await;
    let (b_status, b) = s.login(SATO, "wrong password!").await;
    assert_eq!((a_status, a), (b_status, b));
    s.finish().await;
}

async fn logout_and_sessions(backend: Backend) {
    let s = TestServer::start(backend).await;
    register_sato(&s).await;
    let (_, one) = s.login(SATO, GOOD_PASSWORD).await;
    let (_, two) = s.login(SATO, GOOD_PASSWORD).await;
    let one = one["access_token"].as_str().unwrap().to_owned();
    let two = two["access_token"].as_str().unwrap().to_owned();
    let (status, list) = s.get_auth("/account/sessions", &one).await;
    assert_eq!(status, 200);
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
    let other = sessions.iter().find(|x| x["current"] == false).unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = s
        .client
        .delete(s.url(&format!("/account/sessions/{other}")))
        .bearer_auth(&one)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = s.get_auth("/account", &two).await;
    assert_eq!(status, 401);
    let res = s
        .client
        .delete(s.url("/sessions"))
        .bearer_auth(&one)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = s.get_auth("/account", &one).await;
    assert_eq!(status, 401);
    s.finish().await;
}

async fn password_reset_by_mail(backend: Backend) {
    let s = TestServer::start(backend).await;
    register_sato(&s).await;
    let (status, _) = s
        .post("/password-resets", json!({"login_id": "nobody@example.jp"}))
        .await;
    assert_eq!(status, 202, "unknown IDs get the same answer");
    let (_, before) = s.login(SATO, GOOD_PASSWORD).await;
    let before = before["access_token"].as_str().unwrap().to_owned();
    let (status, _) = s.post("/password-resets", json!({"login_id": SATO})).await;
    assert_eq!(status, 202);
    let token = common::code_in(&s.mail(SATO, "パスワード再設定").await);
    let (status, body) = s
        .post(
            "/password-resets/complete",
            json!({"token": token, "new_password": "short"}),
        )
        .await;
    assert_eq!(body["error"]["code"], "password_policy", "{status}");
    let (status, _) = s
        .post(
            "/password-resets/complete",
            json!({"token": token, "new_password": "udon-soba-ramen-42"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = s.get_auth("/account", &before).await;
    assert_eq!(status, 401, "a reset ends the sessions of the old password");
    let (status, _) = s
        .post(
            "/password-resets/complete",
            json!({"token": token, "new_password": "udon-soba-ramen-43"}),
        )
        .await;
    assert_eq!(status, 410, "single use");
    let (status, _) = s.login(SATO, "udon-soba-ramen-42").await;
    assert_eq!(status, 200);
    s.finish().await;
}

async fn insurer_info_and_sandbox_only_in_sandbox(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, info) = s.get("/insurer").await;
    assert_eq!(status, 200);
    assert_eq!(info["insurer_number"], "06273494");
    assert_eq!(info["sandbox"], true);
    assert_eq!(
        info["registration_methods"],
        json!(["email_identity", "issued_id", "dependent_card"])
    );
    assert_eq!(info["password_policy"]["min_length"], 12);
    assert_eq!(info["entry_window_days"], 30);
    assert!(
        info["point_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "registration")
    );
    s.finish().await;

    let s = TestServer::start_with(backend, false, |_| {}).await;
    for path in ["/sandbox/mail?to=a@example.jp", "/sandbox/captcha/x"] {
        let (status, body) = s.get(path).await;
        assert_eq!(
            (status.as_u16(), body["error"]["code"].clone()),
            (404, json!("not_found")),
            "{path}"
        );
    }
    let (status, _) = s
        .post("/sandbox/clock", json!({"advance_seconds": 60}))
        .await;
    assert_eq!(status, 404);
    let (_, info) = s.get("/insurer").await;
    assert_eq!(info["sandbox"], false);
    s.finish().await;
}

stories!(
    email_identity_from_start_to_login,
    links_expire_at_their_exact_edge,
    five_wrong_keys_void_the_registration,
    fifty_parallel_wrong_keys_get_five_comparisons,
    steps_cannot_be_skipped_or_repeated,
    identity_mismatch_tells_nothing,
    an_identity_already_registered_is_told_to_its_member_only,
    the_account_form_names_what_is_wrong,
    issued_id_must_change_its_birth_date_password_first,
    dependent_spouse_registers_with_the_card,
    a_reused_refresh_token_ends_the_session,
    failed_logins_are_throttled,
    logout_and_sessions,
    password_reset_by_mail,
    insurer_info_and_sandbox_only_in_sandbox,
);
