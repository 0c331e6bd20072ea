//! The stock pages over HTTP: levels, the ledger and its entry form (a
//! barcode as a scanner sends it), warehouses and inventories, for a
//! role with the stock permissions and refused to one without; a refused
//! entry comes back with its message next to its field; an inventory
//! opened, counted, reviewed and closed moves the levels shown.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use reqwest::StatusCode;
use serde_json::json;

/// A valid EAN-13 on the chair; the table has another.
pub(crate) const CHAIR_BARCODE: &str = "4006381333931";
const TABLE_BARCODE: &str = "3760000000017";

/// The Lyon warehouse (its id and its stock location's) with 12 chairs
/// and 4 tables in stock.
pub(crate) struct Stocked {
    pub(crate) warehouse: String,
    pub(crate) stock: String,
}

pub(crate) async fn stocked(app: &TestApp) -> Stocked {
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (code, name, barcode, quantity) in [
        ("CHAISE", "Chaise bistrot", CHAIR_BARCODE, "12"),
        ("TABLE", "Table ronde", TABLE_BARCODE, "4"),
    ] {
        let product = app
            .create(
                "/api/v1/products",
                json!({"code": code, "name": name, "sale_price": "40", "purchase_price": "25", "barcode": barcode}),
            )
            .await;
        app.create(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": id(&product), "quantity": quantity, "to_location_id": stock}),
        )
        .await;
    }
    Stocked {
        warehouse: id(&warehouse),
        stock,
    }
}

/// The row of the levels table that names `code`, as text.
fn row<'p>(page: &'p Page, code: &str) -> &'p str {
    let at = page
        .html
        .find(&format!(">{code}</a>"))
        .unwrap_or_else(|| panic!("no {code} row:\n{}", page.html));
    let end = page.html[at..].find("</tr>").unwrap() + at;
    &page.html[at..end]
}

#[tokio::test]
async fn the_stock_pages_follow_the_permission_matrix() {
    let app = spawn_app().await;
    let place = stocked(&app).await;
    user(&app, "magasin@test.example", "warehouse").await;
    user(&app, "vente@test.example", "sales").await;
    user(&app, "tech@test.example", "technician").await;
    let mut clerk = Browser::new(&app, "fr-FR");
    clerk.signed_in("magasin@test.example").await;
    for path in [
        "/stock".to_owned(),
        "/stock?q=chaise&alert=1&sort=-available&page=2".to_owned(),
        "/stock/movements".to_owned(),
        "/stock/movements?type=receipt&from=2020-01-01&to=2099-12-31".to_owned(),
        "/stock/movements/new".to_owned(),
        "/warehouses".to_owned(),
        "/warehouses/new".to_owned(),
        format!("/warehouses/{}", place.warehouse),
        format!("/warehouses/{}/edit", place.warehouse),
        format!("/warehouses/{}/locations/new", place.warehouse),
        format!("/locations/{}/edit", place.stock),
        "/inventories".to_owned(),
    ] {
        let page = clerk.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
    }
    let home = clerk.get("/stock").await;
    for entry in [
        "href=\"/stock\"",
        "href=\"/stock/movements\"",
        "href=\"/inventories\"",
        "href=\"/warehouses\"",
    ] {
        assert!(home.has(entry), "{entry}");
    }
    assert!(home.has("Chaise bistrot") && home.has("LYS / STOCK"));

    // A warehouse without a code comes back with the message next to
    // the field; a stale version shows what is stored now.
    let token = home.hidden("_csrf");
    let refused = clerk
        .post(
            "/warehouses",
            &[("_csrf", &token), ("name", "Annecy"), ("active", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("id=\"e-code\"") && refused.has("value=\"Annecy\""));
    let path = format!("/warehouses/{}", place.warehouse);
    let stale = clerk
        .post(
            &path,
            &[
                ("_csrf", &token),
                ("code", "LYS"),
                ("name", "Lyon Sud"),
                ("version", "0"),
                ("is_default", "1"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.html
    );
    assert!(stale.has("value=\"Lyon\""));
    let version = clerk.get(&format!("{path}/edit")).await.hidden("version");
    let renamed = clerk
        .post(
            &path,
            &[
                ("_csrf", &token),
                ("code", "LYS"),
                ("name", "Lyon Sud"),
                ("version", &version),
                ("is_default", "1"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.html);
    assert!(clerk.get(&path).await.has("Lyon Sud"));

    // Sales reads the stock but records nothing.
    let mut seller = Browser::new(&app, "fr-FR");
    seller.signed_in("vente@test.example").await;
    assert_eq!(seller.get("/stock").await.status, StatusCode::OK);
    let ledger = seller.get("/stock/movements").await;
    assert!(!ledger.has("href=\"/stock/movements/new\""));
    assert_eq!(
        seller.get("/stock/movements/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        seller.get("/warehouses/new").await.status,
        StatusCode::FORBIDDEN
    );

    // A technician has no stock permission at all.
    let mut technician = Browser::new(&app, "fr-FR");
    technician.signed_in("tech@test.example").await;
    for path in [
        "/stock",
        "/stock/movements",
        "/stock/movements/new",
        "/warehouses",
        "/inventories",
    ] {
        assert_eq!(
            technician.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let home = technician.get("/").await;
    assert!(!home.has("href=\"/stock\"") && !home.has("href=\"/inventories\""));
    let token = home.hidden("_csrf");
    let refused = technician
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", CHAIR_BARCODE),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_movement_entered_by_barcode_changes_the_level_shown() {
    let app = spawn_app().await;
    let place = stocked(&app).await;
    user(&app, "magasin@test.example", "warehouse").await;
    let mut clerk = Browser::new(&app, "fr-FR");
    let token = clerk.signed_in("magasin@test.example").await;
    assert!(row(&clerk.get("/stock").await, "CHAISE").contains(">12<"));

    // The scanner's Enter, with the script: the product block.
    let scanned = clerk
        .get(&format!("/stock/scan?barcode={CHAIR_BARCODE}"))
        .await;
    assert!(scanned.has("Chaise bistrot") && scanned.has("data-found"));
    let unknown = clerk.get("/stock/scan?barcode=4006381333948").await;
    assert!(unknown.has("aucun article n'a ce code-barres"));

    // Without the script: the barcode alone names the product and waits
    // for the quantity.
    let waiting = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", CHAIR_BARCODE),
                ("type", "issue"),
            ],
        )
        .await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.html);
    assert!(waiting.has("Chaise bistrot"));
    let quantity = &waiting.html[waiting.html.find("id=\"f-quantity\"").unwrap()..];
    assert!(
        quantity[..quantity.find('>').unwrap()].contains(" autofocus"),
        "{quantity}"
    );
    let product = waiting.hidden("product_id");

    // A quantity that is not a number comes back next to its field, what
    // was typed kept.
    let refused = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("product_id", &product),
                ("type", "issue"),
                ("quantity", "trois"),
                ("from_location_id", &place.stock),
                ("reference", "BL-7"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("id=\"e-quantity\""), "{}", refused.html);
    assert!(refused.has("value=\"trois\"") && refused.has("value=\"BL-7\""));
    // An unknown barcode, next to the barcode field.
    let unknown = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", "4006381333948"),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.has("id=\"e-barcode\"") && unknown.has("aucun article n'a ce code-barres"));
    // More than there is: said above the form.
    let short = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", CHAIR_BARCODE),
                ("type", "issue"),
                ("quantity", "50"),
                ("from_location_id", &place.stock),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::CONFLICT);
    assert!(short.has("stock insuffisant"));

    let issued = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", CHAIR_BARCODE),
                ("type", "issue"),
                ("quantity", "3"),
                ("from_location_id", &place.stock),
                ("reference", "BL-7"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.html);
    assert!(row(&clerk.get("/stock?q=chaise").await, "CHAISE").contains(">9<"));
    let ledger = clerk.get(issued.location()).await;
    assert!(ledger.has("BL-7") && ledger.has("Sortie"));

    // A variant's barcode names the variant.
    let tables = app.get("/api/v1/products?q=TABLE").await;
    let table = tables.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.create(
        &format!("/api/v1/products/{table}/variants"),
        json!({"code": "TABLE-XL", "options": {"taille": "XL"}, "barcode": "3760000000024"}),
    )
    .await;
    let scanned = clerk.get("/stock/scan?barcode=3760000000024").await;
    assert!(scanned.has("TABLE-XL") && scanned.has("name=\"variant_id\""));
    let received = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", "3760000000024"),
                ("type", "receipt"),
                ("quantity", "2"),
            ],
        )
        .await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.html);
    let levels = clerk.get("/stock?q=table").await;
    assert!(levels.has("Table ronde — XL"), "{}", levels.html);

    // A transfer to a new shelf moves the level between locations.
    let token = clerk.get("/stock").await.hidden("_csrf");
    let made = clerk
        .post(
            "/locations",
            &[
                ("_csrf", &token),
                ("warehouse_id", &place.warehouse),
                ("code", "A1"),
                ("name", "Allée 1"),
                ("kind", "internal"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
    let shelf = clerk.get(&format!("/warehouses/{}", place.warehouse)).await;
    assert!(shelf.has("Allée 1"));
    let after = shelf.html.find("Allée 1").unwrap();
    let at = shelf.html[after..].find("/locations/").unwrap() + after + "/locations/".len();
    let other = shelf.html[at..at + 36].to_owned();
    let moved = clerk
        .post(
            "/stock/movements",
            &[
                ("_csrf", &token),
                ("barcode", CHAIR_BARCODE),
                ("type", "transfer"),
                ("quantity", "2"),
                ("from_location_id", &place.stock),
                ("to_location_id", &other),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.html);
    let levels = clerk.get("/stock?q=CHAISE").await;
    assert!(
        levels.has("LYS / A1") && levels.has(">7<"),
        "{}",
        levels.html
    );
}

/// The fields of the count form of the line for `code`.
fn count_form(page: &Page, code: &str) -> Vec<(String, String)> {
    let at = page
        .html
        .find(&format!("<strong>{code}</strong>"))
        .unwrap_or_else(|| panic!("no line for {code}:\n{}", page.html));
    let start = page.html[..at].rfind("<form").unwrap();
    page.html[start..at]
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|field| {
            let mut parts = field.split('"');
            let name = parts.next().unwrap().to_owned();
            let value = parts.nth(1).unwrap().replace("&#x2f;", "/");
            (name, value)
        })
        .collect()
}

async fn count(clerk: &mut Browser<'_>, path: &str, code: &str, counted: &str) -> Page {
    let screen = clerk.get(path).await;
    let mut form = count_form(&screen, code);
    form.push(("counted".into(), counted.into()));
    let action = path.trim_end_matches("/count");
    let fields: Vec<(&str, &str)> = form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    clerk.post(&format!("{action}/counts"), &fields).await
}

#[tokio::test]
async fn an_inventory_opened_counted_reviewed_and_closed_moves_the_levels() {
    let app = spawn_app().await;
    let place = stocked(&app).await;
    user(&app, "magasin@test.example", "warehouse").await;
    user(&app, "lecture@test.example", "viewer").await;
    let mut clerk = Browser::new(&app, "fr-FR");
    let token = clerk.signed_in("magasin@test.example").await;

    let opened = clerk
        .post(
            "/inventories",
            &[("_csrf", &token), ("warehouse_id", &place.warehouse)],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.html);
    let count_path = opened.location().to_owned();
    assert!(count_path.ends_with("/count"));
    let base = count_path.trim_end_matches("/count").to_owned();
    let screen = clerk.get(&count_path).await;
    assert!(screen.has("0</strong> / 2"), "{}", screen.html);
    assert!(screen.has("Chaise bistrot") && screen.has("Table ronde"));
    let narrowed = clerk.get(&format!("{count_path}?q=table")).await;
    assert!(narrowed.has("Table ronde") && !narrowed.has("Chaise bistrot"));

    // A negative count is refused next to its line.
    let refused = count(&mut clerk, &count_path, "CHAISE", "-2").await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(refused.has("value=\"-2\"") && refused.has("class=\"error\" id=\"e-"));

    let saved = count(&mut clerk, &count_path, "CHAISE", "10").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert!(saved.location().contains("/count#line-"));
    let saved = count(&mut clerk, &count_path, "TABLE", "4").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(clerk.get(&count_path).await.has("2</strong> / 2"));

    // The review shows the one difference; a viewer reads it without the
    // buttons, and may not count.
    let review = clerk.get(&format!("{base}/review")).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.has("Chaise bistrot") && review.has("data-action=\"close\""));
    let differences = &review.html[review.html.find("id=\"differences\"").unwrap()..];
    assert!(!differences.contains("Table ronde"));
    // Two chairs short at their purchase price of 25.00.
    let total = &review.html[review.html.find("id=\"total-value\"").unwrap()..];
    assert!(total[..80].contains("-50,00"), "{total}");
    assert!(
        differences.contains("−2") || differences.contains("-2"),
        "{differences}"
    );
    let mut viewer = Browser::new(&app, "fr-FR");
    viewer.signed_in("lecture@test.example").await;
    let read = viewer.get(&format!("{base}/review")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.has("data-action=\"close\""));
    assert_eq!(viewer.get(&count_path).await.status, StatusCode::FORBIDDEN);

    let token = review.hidden("_csrf");
    let closed = clerk
        .post(&format!("{base}/close"), &[("_csrf", &token)])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.html);
    let review = clerk.get(closed.location()).await;
    assert!(review.has("Clôturé") && !review.has("data-action=\"close\""));
    assert!(row(&clerk.get("/stock").await, "CHAISE").contains(">10<"));
    // Once closed, no more buttons work and the count screen leads to the
    // review.
    let again = clerk
        .post(&format!("{base}/cancel"), &[("_csrf", &token)])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let screen = clerk.get(&count_path).await;
    assert_eq!(screen.status, StatusCode::SEE_OTHER);
    assert!(clerk.get("/inventories").await.has("Clôturé"));
}
