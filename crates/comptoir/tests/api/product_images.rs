//! Product images through the API: upload in each accepted format, the
//! thumbnail made at upload, the list, reading and removing, and what is
//! refused (not an image, too large, another organization's product);
//! and the product page's thumbnails, upload form and remove buttons.

use crate::helpers::{PASSWORD, Reply, TestApp, id, spawn_app};
use crate::pages::{Browser, user};
use image::{ImageBuffer, ImageFormat, Rgb};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use std::io::Cursor;

/// A `width` × `height` picture (a gradient, so encoders have work to do)
/// encoded as `format`.
pub fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let pixels = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut bytes = Vec::new();
    pixels
        .write_to(&mut Cursor::new(&mut bytes), format)
        .expect("encode test picture");
    bytes
}

/// POSTs `bytes` as the `file` of the upload form of `product`.
pub async fn upload(app: &TestApp, token: &str, product: &str, bytes: Vec<u8>) -> Reply {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("photo"));
    let response = app
        .client
        .post(app.url(&format!("/api/v1/products/{product}/images")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("request sent");
    Reply::read(response).await
}

/// GETs an image's bytes (or its thumbnail) as `token`: status, content
/// type, bytes.
async fn read(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let decoded = image::load_from_memory(bytes).expect("a readable image");
    (decoded.width(), decoded.height())
}

#[tokio::test]
async fn images_of_each_format_are_kept_with_a_smaller_thumbnail() {
    let app = spawn_app().await;
    let product = id(&app.create_product("LAMPE").await);
    let base = format!("/api/v1/products/{product}/images");
    let cases = [
        (ImageFormat::Png, "image/png", (640, 480), (256, 192)),
        (ImageFormat::Jpeg, "image/jpeg", (800, 600), (256, 192)),
        (ImageFormat::WebP, "image/webp", (300, 1200), (64, 256)),
    ];
    for (position, (format, content_type, (width, height), thumbnail)) in
        cases.into_iter().enumerate()
    {
        let original = picture(width, height, format);
        let reply = upload(&app, &app.admin_token, &product, original.clone()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        let image = reply.body;
        assert_eq!(image["content_type"], content_type);
        assert_eq!(image["width"], width);
        assert_eq!(image["height"], height);
        assert_eq!(image["position"], position + 1);
        assert_eq!(image["product_id"], product.as_str());

        let path = format!("{base}/{}", id(&image));
        let (status, served_type, bytes) = read(&app, &app.admin_token, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(served_type, content_type);
        assert_eq!(bytes, original, "the image comes back as uploaded");

        let (status, served_type, small) =
            read(&app, &app.admin_token, &format!("{path}?size=thumbnail")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(served_type, "image/png");
        assert_eq!(dimensions(&small), thumbnail);
    }
    // The PNG photo's thumbnail weighs less than the photo itself.
    let listed = app.get(&base).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    assert_eq!(listed.body["total"], 3);
    let first = &listed.body["items"][0];
    assert_eq!(first["content_type"], "image/png");
    let (_, _, original) = read(&app, &app.admin_token, &format!("{base}/{}", id(first))).await;
    let (_, _, small) = read(
        &app,
        &app.admin_token,
        &format!("{base}/{}?size=thumbnail", id(first)),
    )
    .await;
    assert!(
        small.len() < original.len(),
        "{} ≥ {}",
        small.len(),
        original.len()
    );
}

#[tokio::test]
async fn images_are_listed_in_order_and_removed() {
    let app = spawn_app().await;
    let product = id(&app.create_product("CHAISE").await);
    let base = format!("/api/v1/products/{product}/images");
    let mut ids = Vec::new();
    for size in [100, 120, 140] {
        let reply = upload(
            &app,
            &app.admin_token,
            &product,
            picture(size, size, ImageFormat::Png),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        ids.push(id(&reply.body));
    }
    let (_, _, thumbnail) = read(
        &app,
        &app.admin_token,
        &format!("{base}/{}?size=thumbnail", ids[0]),
    )
    .await;
    assert_eq!(
        dimensions(&thumbnail),
        (100, 100),
        "a small image is not enlarged"
    );

    let removed = app.delete(&format!("{base}/{}", ids[1])).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{:?}", removed.body);
    let listed = app.get(&base).await.body;
    assert_eq!(listed["total"], 2);
    let listed: Vec<(String, i64)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|image| (id(image), image["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(listed, [(ids[0].clone(), 1), (ids[2].clone(), 3)]);
    let gone = app.get(&format!("{base}/{}", ids[1])).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let again = app.delete(&format!("{base}/{}", ids[1])).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // Each upload and the removal left an audit entry.
    let audit = app.get("/api/v1/audit?resource_type=product_image").await;
    assert_eq!(audit.status, StatusCode::OK, "{:?}", audit.body);
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "create").count(),
        3,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "delete").count(),
        1,
        "{actions:?}"
    );
}

#[tokio::test]
async fn what_is_not_an_accepted_image_is_refused() {
    let app = spawn_app().await;
    let product = id(&app.create_product("TABLE").await);
    let refused_field = |reply: &Reply| {
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            reply.body
        );
        assert_eq!(reply.body["details"]["fields"][0]["field"], "file");
    };
    // A PNG signature followed by nothing an image is made of.
    let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
    fake.extend_from_slice(&[7; 2048]);
    refused_field(&upload(&app, &app.admin_token, &product, fake).await);
    refused_field(
        &upload(
            &app,
            &app.admin_token,
            &product,
            b"code;name\nA;B\n".to_vec(),
        )
        .await,
    );
    refused_field(
        &upload(
            &app,
            &app.admin_token,
            &product,
            b"GIF89a\x01\x00\x01\x00".to_vec(),
        )
        .await,
    );
    // A PNG cut in the middle.
    let mut cut = picture(400, 300, ImageFormat::Png);
    cut.truncate(cut.len() / 3);
    refused_field(&upload(&app, &app.admin_token, &product, cut).await);
    // No file at all.
    let form = Form::new().text("note", "sans fichier");
    let response = app
        .client
        .post(app.url(&format!("/api/v1/products/{product}/images")))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Just over 5 MiB, and far over.
    for size in [5 * 1024 * 1024 + 1, 8 * 1024 * 1024] {
        let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
        big.resize(size, 0);
        let reply = upload(&app, &app.admin_token, &product, big).await;
        assert_eq!(
            reply.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{size}: {:?}",
            reply.body
        );
        assert_eq!(reply.body["code"], "payload_too_large");
    }
    let listed = app.get(&format!("/api/v1/products/{product}/images")).await;
    assert_eq!(listed.body["total"], 0, "nothing refused was kept");
}

#[tokio::test]
async fn another_organizations_product_and_images_are_not_found() {
    let app = spawn_app().await;
    let product = id(&app.create_product("VASE").await);
    let image = upload(
        &app,
        &app.admin_token,
        &product,
        picture(64, 64, ImageFormat::Png),
    )
    .await;
    assert_eq!(image.status, StatusCode::CREATED, "{:?}", image.body);
    let image = id(&image.body);
    comptoir::init_organization(&app.db, "Autre SAS", "other@test.example", PASSWORD)
        .await
        .unwrap();
    let other = app.login("other@test.example", PASSWORD).await;
    let base = format!("/api/v1/products/{product}/images");
    let reply = upload(&app, &other, &product, picture(64, 64, ImageFormat::Png)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{:?}", reply.body);
    for path in [base.clone(), format!("{base}/{image}")] {
        let reply = app
            .send(reqwest::Method::GET, &path, Some(&other), None, &[])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let reply = app
        .send(
            reqwest::Method::DELETE,
            &format!("{base}/{image}"),
            Some(&other),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Under another product of the same organization, the image is unknown too.
    let other_product = id(&app.create_product("TAPIS").await);
    let reply = app
        .get(&format!("/api/v1/products/{other_product}/images/{image}"))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Reading needs catalog.read only; adding, catalog.write.
    let sales = app.user_token("sales@test.example", "sales").await;
    let (status, _, _) = read(&app, &sales, &format!("{base}/{image}?size=thumbnail")).await;
    assert_eq!(status, StatusCode::OK);
    let reply = upload(&app, &sales, &product, picture(8, 8, ImageFormat::Png)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let still = app.get(&base).await.body;
    assert_eq!(still["total"], json!(1));
}

#[tokio::test]
async fn the_product_page_shows_thumbnails_and_lets_writers_add_and_remove_images() {
    let app = spawn_app().await;
    let product = id(&app.create_product("MIROIR").await);
    let page_path = format!("/products/{product}");
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let page = browser.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Aucune image pour l’instant."), "{}", page.html);
    assert!(page.has("Ajouter une image"));

    let form = Form::new().text("_csrf", csrf.clone()).part(
        "file",
        Part::bytes(picture(600, 300, ImageFormat::Png)).file_name("miroir.png"),
    );
    let sent = browser
        .post_multipart(&format!("{page_path}/images"), form)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(sent.location(), format!("{page_path}#images-title"));
    let listed = app.get(&format!("/api/v1/products/{product}/images")).await;
    let image = id(&listed.body["items"][0]);
    let thumbnail = format!("{page_path}/images/{image}?size=thumbnail");
    let page = browser.get(&page_path).await;
    assert!(page.has(&format!("src=\"{thumbnail}\"")), "{}", page.html);
    let served = browser.get(&thumbnail).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["content-type"], "image/png");

    let form = Form::new().text("_csrf", csrf.clone()).part(
        "file",
        Part::bytes(b"pas une image".to_vec()).file_name("miroir.png"),
    );
    let refused = browser
        .post_multipart(&format!("{page_path}/images"), form)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A reader sees the thumbnails, without the form or the buttons.
    user(&app, "lecteur@test.example", "viewer").await;
    let mut reader = Browser::new(&app, "en");
    let reader_csrf = reader.signed_in("lecteur@test.example").await;
    let page = reader.get(&page_path).await;
    assert!(page.has(&format!("src=\"{thumbnail}\"")), "{}", page.html);
    assert!(
        !page.has("Add an image") && !page.has("Remove"),
        "{}",
        page.html
    );
    let denied = reader
        .post(
            &format!("{page_path}/images/{image}/delete"),
            &[("_csrf", &reader_csrf)],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    let removed = browser
        .post(
            &format!("{page_path}/images/{image}/delete"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.html);
    let page = browser.get(&page_path).await;
    assert!(page.has("Aucune image pour l’instant."), "{}", page.html);
}
