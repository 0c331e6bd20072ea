//! A line's product in the sales document editor, through HTTP: the
//! product box sent without script is read by the server (an exact code
//! or barcode fills the line, several matches are listed in the row to
//! pick one, none is said next to the box, what was typed kept); the
//! search htmx asks offers the variants, a row filled with a variant is
//! priced by the resolver, the totals count it, and the saved document
//! keeps and shows it.

use crate::editor_pages::{Catalog, catalog, euros};
use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The chair's red variant (2.00 more) and blue one (scanned by its
/// barcode), with the catalog's client (10 % off) and products.
pub(crate) struct Variants {
    pub(crate) catalog: Catalog,
    pub(crate) red: String,
    pub(crate) blue: String,
}

pub(crate) async fn variants(app: &TestApp) -> Variants {
    let catalog = catalog(app).await;
    let path = format!("/api/v1/products/{}/variants", catalog.chair);
    let red = app
        .create(
            &path,
            json!({"code": "CHAISE-R", "name": "Rouge", "options": {"couleur": "rouge"}, "price_delta": "2.00"}),
        )
        .await;
    let blue = app
        .create(
            &path,
            json!({"code": "CHAISE-B", "name": "Bleu", "options": {"couleur": "bleu"}, "barcode": "4006381333931"}),
        )
        .await;
    Variants {
        catalog,
        red: id(&red),
        blue: id(&blue),
    }
}

/// A line's unit price without its trailing zeros.
fn price(line: &Value) -> &str {
    let text = line["unit_price"].as_str().unwrap();
    assert!(text.contains('.'), "{text}");
    text.trim_end_matches('0').trim_end_matches('.')
}

/// A quote for the client with one row: `product` typed in its box, two
/// of it, and a note.
fn typed<'a>(variants: &'a Variants, token: &'a str, product: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", token),
        ("client_id", &variants.catalog.client),
        ("lines[r1].product_id", ""),
        ("lines[r1].variant_id", ""),
        ("lines[r1].product", product),
        ("lines[r1].description", ""),
        ("lines[r1].quantity", "2"),
        ("lines[r1].unit_price", ""),
        ("lines[r1].discount_percent", ""),
        ("lines[r1].vat_rate", ""),
        ("notes", "Terrasse"),
    ]
}

/// The quote saved from `form`, read through the API.
async fn saved_as(app: &TestApp, admin: &mut Browser<'_>, form: &[(&str, &str)]) -> Value {
    saved(app, &admin.post("/quotes/new", form).await).await
}

/// The quote saved from `page` (a redirect), read through the API.
async fn saved(app: &TestApp, page: &Page) -> Value {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let quote = page.location().trim_start_matches("/quotes/");
    app.get(&format!("/api/v1/quotes/{quote}")).await.body
}

#[tokio::test]
async fn without_script_the_server_reads_the_product_typed_in_a_line() {
    let app = spawn_app().await;
    let variants = variants(&app).await;
    let mut admin = Browser::new(&app, "fr-FR,fr;q=0.9");
    let token = admin.signed_in("admin@test.example").await;
    let form = admin.get("/quotes/new").await;
    assert!(
        form.html.find("data-default").unwrap() < form.html.find("data-remove").unwrap(),
        "Enter saves rather than removes the first row"
    );

    // An exact code, typed in any case: that product at the client's price.
    let quote = saved_as(&app, &mut admin, &typed(&variants, &token, "livre")).await;
    let line = &quote["lines"][0];
    assert_eq!(line["product_id"], variants.catalog.book.as_str());
    assert_eq!(line["variant_id"], Value::Null);
    assert_eq!(price(line), "22.5");
    assert_eq!(quote["notes"], "Terrasse");

    // The code of a product with variants: the product itself.
    let quote = saved_as(&app, &mut admin, &typed(&variants, &token, "chaise")).await;
    let line = &quote["lines"][0];
    assert_eq!(line["product_id"], variants.catalog.chair.as_str());
    assert_eq!(line["variant_id"], Value::Null);
    assert_eq!(
        (price(line), &line["description"]),
        ("9", &json!("Chaise bistrot"))
    );

    // A variant's code, and a variant's barcode: the variant.
    let quote = saved_as(&app, &mut admin, &typed(&variants, &token, "CHAISE-R")).await;
    let line = &quote["lines"][0];
    assert_eq!(line["variant_id"], variants.red.as_str());
    assert_eq!(line["description"], "Chaise bistrot — Rouge");
    assert_eq!(price(line), "10.8", "(10.00 + 2.00) less 10 %");
    let quote = saved_as(&app, &mut admin, &typed(&variants, &token, "4006381333931")).await;
    assert_eq!(quote["lines"][0]["variant_id"], variants.blue.as_str());
    assert_eq!(quote["lines"][0]["description"], "Chaise bistrot — Bleu");

    // Nothing matches: said next to the box, what was typed kept.
    let none = admin
        .post("/quotes/new", &typed(&variants, &token, "tabouret"))
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.has("id=\"e-r1-product\">aucun produit ne correspond"),
        "{}",
        none.html
    );
    assert!(none.has("value=\"tabouret\"") && none.has(">Terrasse</textarea>"));
    assert!(none.has("name=\"lines[r1].quantity\" value=\"2\""));

    // Several match: listed in the row, each a button picking it.
    // ("chaise" is the chair's exact code.)
    let several = admin
        .post("/quotes/new", &typed(&variants, &token, "bistrot"))
        .await;
    assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        several.has("id=\"e-r1-product\">plusieurs produits correspondent : choisissez-en un"),
        "{}",
        several.html
    );
    for candidate in [
        "CHAISE — Chaise bistrot<",
        "CHAISE-R — Chaise bistrot — Rouge<",
        "CHAISE-B — Chaise bistrot — Bleu<",
    ] {
        assert!(several.has(candidate), "{candidate}: {}", several.html);
    }
    assert!(!several.has("LIVRE —"));
    let pick_red = format!("pick:r1:{}:{}", variants.catalog.chair, variants.red);
    assert!(several.has(&format!("name=\"intent\" value=\"{pick_red}\"")));
    assert!(several.has("value=\"bistrot\"") && several.has(">Terrasse</textarea>"));
    assert!(
        !several.has("id=\"total-excl\""),
        "no totals while a line lacks its product"
    );
    let preview = admin
        .post("/quotes/preview", &typed(&variants, &token, "bistrot"))
        .await;
    assert!(
        preview.has("choisissez un produit dans la liste"),
        "{}",
        preview.html
    );

    // Picking the red one: the row filled by the price resolver, the
    // totals counting it; then saved.
    let mut picking = typed(&variants, &token, "bistrot");
    picking.push(("intent", &pick_red));
    let picked = admin.post("/quotes/new", &picking).await;
    assert_eq!(picked.status, StatusCode::OK, "{}", picked.html);
    assert!(picked.has(&format!(
        "name=\"lines[r1].variant_id\" value=\"{}\"",
        variants.red
    )));
    assert!(
        picked.has("name=\"lines[r1].product\" type=\"search\" value=\"Chaise bistrot — Rouge\"")
    );
    assert!(
        picked.has("name=\"lines[r1].unit_price\" value=\"10.8\""),
        "{}",
        picked.html
    );
    assert!(picked.has(&euros("21,60")) && picked.has(&euros("25,92")));
    assert!(!picked.has("class=\"suggestion-list\""));
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "product_id",
        "variant_id",
        "description",
        "unit_price",
        "vat_rate",
    ] {
        let field = format!("lines[r1].{name}");
        fields.push((field.clone(), picked.hidden(&field)));
    }
    let mut again = typed(&variants, &token, "");
    again.retain(|(name, _)| !fields.iter().any(|(f, _)| f == name));
    again.extend(fields.iter().map(|(f, v)| (f.as_str(), v.as_str())));
    let quote = saved_as(&app, &mut admin, &again).await;
    assert_eq!(quote["lines"][0]["variant_id"], variants.red.as_str());
    assert_eq!(quote["total_excl_tax"], "21.60");
}

#[tokio::test]
async fn a_variant_line_is_offered_priced_totalled_saved_and_shown() {
    let app = spawn_app().await;
    let variants = variants(&app).await;
    let Variants { catalog, red, .. } = &variants;
    let mut admin = Browser::new(&app, "fr-FR,fr;q=0.9");
    let token = admin.signed_in("admin@test.example").await;

    // The search offers the product then its variants; a variant's
    // name finds it.
    let products = admin
        .get("/sales/editor/products?key=k1&kind=quote&lines%5Bk1%5D.product=chai")
        .await;
    assert!(
        products.has("CHAISE — Chaise bistrot<")
            && products.has("CHAISE-R — Chaise bistrot — Rouge<")
    );
    assert!(
        products.has(&format!("\"variant_id\": \"{red}\"")),
        "{}",
        products.html
    );
    let red_only = admin
        .get("/sales/editor/products?key=k1&kind=quote&lines%5Bk1%5D.product=rouge")
        .await;
    assert!(
        red_only.has("CHAISE-R — Chaise bistrot — Rouge"),
        "{}",
        red_only.html
    );
    assert!(!red_only.has("CHAISE — ") && !red_only.has("Bleu"));

    // The row filled with the variant, at the client's price.
    let row = admin
        .get(&format!(
            "/sales/editor/line?key=k1&kind=quote&product_id={}&variant_id={red}&client_id={}&lines%5Bk1%5D.quantity=2",
            catalog.chair, catalog.client
        ))
        .await;
    assert_eq!(row.status, StatusCode::OK, "{}", row.html);
    assert!(row.has(&format!("name=\"lines[k1].variant_id\" value=\"{red}\"")));
    assert!(
        row.has("value=\"Chaise bistrot — Rouge\"")
            && row.has("name=\"lines[k1].unit_price\" value=\"10.8\"")
    );
    assert!(row.has(&euros("21,60")));

    // The totals count the variant's price.
    let line = [
        ("_csrf", token.as_str()),
        ("client_id", &catalog.client),
        ("lines[k1].product_id", &catalog.chair),
        ("lines[k1].variant_id", red),
        ("lines[k1].product", "Chaise bistrot — Rouge"),
        ("lines[k1].quantity", "2"),
    ];
    let preview = admin.post("/quotes/preview", &line).await;
    assert!(
        preview.has(&euros("21,60")) && preview.has(&euros("25,92")),
        "{}",
        preview.html
    );

    // Saved: the document shows the variant; its edit form keeps it.
    let page = admin.post("/quotes/new", &line).await;
    let quote = saved(&app, &page).await;
    assert_eq!(quote["lines"][0]["variant_id"], red.as_str());
    let shown = admin.get(page.location()).await;
    assert!(shown.has("Chaise bistrot — Rouge") && shown.has(&euros("25,92")));
    let edit = admin.get(&format!("{}/edit", page.location())).await;
    assert!(edit.has(&format!("name=\"lines[0].variant_id\" value=\"{red}\"")));
    assert!(edit.has(&euros("25,92")));
}
