//! Catalog pictures, on SQLite and PostgreSQL alike: set by the import,
//! named by their content in `image_url`, served without a login, and a
//! file with one bad picture applied not at all.

mod common;

use common::{Backend, TestServer};
use kenpo_insurer::admin::{self, AdminError};
use kenpo_insurer::csv_file::FileError;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n first picture";
const PNG_2: &[u8] = b"\x89PNG\r\n\x1a\n second picture";

fn pictures(name: &str) -> Result<Vec<u8>, String> {
    match name {
        "mug.png" => Ok(PNG.to_vec()),
        "mug-2.png" => Ok(PNG_2.to_vec()),
        "page.html" => Ok(b"<html><script>alert(1)</script>".to_vec()),
        _ => Err(format!("cannot read {name}")),
    }
}

async fn import(s: &TestServer, rows: &str) -> Result<(), AdminError> {
    admin::import_catalog(
        &s.server.state,
        &format!("id,name,description,points,stock,image\n{rows}"),
        &pictures,
    )
    .await
    .map(drop)
}

async fn image_urls(s: &TestServer, token: &str) -> Vec<Option<String>> {
    let (status, body) = s.get_auth("/catalog", token).await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["image_url"].as_str().map(str::to_owned))
        .collect()
}

async fn items_have_pictures_by_their_content(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    import(&s, "mug,マグカップ,,800,5,mug.png\nfan,うちわ,,300,5,\n")
        .await
        .unwrap();
    let urls = image_urls(&s, &token).await;
    let mug = urls[0].clone().expect("the mug has a picture");
    assert!(mug.starts_with("/api/v1/catalog/mug/image?v="), "{mug}");
    assert_eq!(urls[1], None, "an empty cell is no picture");

    // Served to anyone (a picture is no secret), as what it is, for ever.
    let res = s
        .client
        .get(format!("{}{mug}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let again = s
        .client
        .get(format!("{}{mug}", s.base))
        .header("If-None-Match", headers["etag"].clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let (status, body) = s.get("/catalog/fan/image").await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );

    // A new picture is a new address; a withdrawn item's picture is gone.
    import(&s, "mug,マグカップ,,800,5,mug-2.png\n")
        .await
        .unwrap();
    let urls = image_urls(&s, &token).await;
    let mug_2 = urls[0].clone().unwrap();
    assert_ne!(mug_2, mug);
    let res = s
        .client
        .get(format!("{}{mug_2}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG_2);
    let (status, _) = s.get("/catalog/fan/image").await;
    assert_eq!(status, 404);
    s.finish().await;
}

async fn one_bad_picture_refuses_the_whole_file(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    import(&s, "mug,マグカップ,,800,5,mug.png\n").await.unwrap();
    let before = image_urls(&s, &token).await;
    let err = import(
        &s,
        "mug,マグカップ,,900,5,mug-2.png\npage,ページ,,10,1,page.html\nlost,なし,,10,1,lost.png\n",
    )
    .await
    .unwrap_err();
    let AdminError::File(FileError(problems)) = err else {
        panic!("refused as a file: {err}");
    };
    let found: Vec<(u64, Option<&str>)> = problems.iter().map(|p| (p.line, p.field)).collect();
    assert_eq!(found, vec![(3, Some("image")), (4, Some("image"))]);
    assert!(
        problems[0].message.contains("not a PNG, JPEG or WebP"),
        "{}",
        problems[0].message
    );
    let (_, body) = s.get_auth("/catalog", &token).await;
    assert_eq!(
        body["items"].as_array().unwrap().len(),
        1,
        "nothing applied"
    );
    assert_eq!(body["items"][0]["points"], 800);
    assert_eq!(image_urls(&s, &token).await, before);
    s.finish().await;
}

async fn the_demo_catalog_comes_with_pictures(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.taro().await;
    admin::load_demo_content(&s.server.state).await.unwrap();
    let urls = image_urls(&s, &token).await;
    assert_eq!(urls.len(), 5);
    for url in urls {
        let url = url.expect("every demo item has a picture");
        let res = s
            .client
            .get(format!("{}{url}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{url}");
        assert_eq!(res.headers()["content-type"], "image/png");
    }
    s.finish().await;
}

stories!(
    items_have_pictures_by_their_content,
    one_bad_picture_refuses_the_whole_file,
    the_demo_catalog_comes_with_pictures,
);
