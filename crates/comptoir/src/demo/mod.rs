//! `serve --demo`: a demo organization with one user per role, a
//! believable catalog, clients and suppliers, and eighteen months of sales
//! history (`history` plans it, `ledger` writes it) for the dashboards.
//! Created once; later starts reuse it.

use crate::{InitError, init_organization};
use comptoir_db::audit::{self, Actor};
use comptoir_db::auth::{self as store, NewUser};
use comptoir_db::catalog::{self, CategoryInput, ProductInput, ProductSupplierInput, VariantInput};
use comptoir_db::organization::update_settings;
use comptoir_db::parties::{
    self, AddressInput, ClientInput, ContactInput, Party, PartyIdentity, SupplierInput,
};
use comptoir_db::price_lists::{self, PriceListInput, PriceRuleInput};
use comptoir_db::{Db, DbError, Fixed, Tx};
use comptoir_domain::catalog::{
    AddressKind, ClientStatus, PartyKind, ProductKind, Unit, VatCategory,
};
use comptoir_domain::identifiers::{Barcode, Code, Email, Siren, Siret};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::permissions::Role;
use comptoir_domain::pricing::{RuleAdjustment, RuleScope};
use comptoir_services::auth::hash_password;
use comptoir_services::organization::OrganizationRequest;
use serde_json::json;
use uuid::Uuid;

mod documents;
mod history;
mod ledger;
mod warehouse;

use documents::demo_sales;
use ledger::write_history;
use warehouse::demo_stock;

pub const DEMO_PASSWORD: &str = "comptoir-demo";
const ADMIN_EMAIL: &str = "admin@demo.comptoir.test";

fn price(text: &str) -> UnitPrice {
    UnitPrice::parse(text).unwrap_or_default()
}

/// The demo organization's legal identity, bank account and document
/// texts: what its invoices print and their e-invoices name.
async fn demo_identity(tx: &mut Tx, organization_id: Uuid) -> Result<(), InitError> {
    let text = |value: &str| Some(value.to_owned());
    let input = OrganizationRequest {
        name: text("Comptoir Démo SARL"),
        time_zone: text("Europe/Paris"),
        legal_name: text("Comptoir Démo SARL"),
        legal_form: text("SARL"),
        share_capital: text("20000"),
        address_line1: text("12 rue des Halles"),
        postal_code: text("69002"),
        city: text("Lyon"),
        country: text("FR"),
        siren: text("732829320"),
        siret: text("73282932000074"),
        rcs_city: text("Lyon"),
        vat_number: text("FR44732829320"),
        naf_code: text("4669B"),
        email: text("contact@demo.comptoir.test"),
        phone: text("04 78 00 00 00"),
        website: text("https://demo.comptoir.test"),
        iban: text("FR76 3000 6000 0112 3456 7890 189"),
        bic: text("BNPAFRPP"),
        payment_terms_days: Some(30),
        late_penalty_rate: text("12.15"),
        footer: text("Merci de votre confiance."),
        quote_text: text("Devis valable 30 jours, sauf mention contraire."),
        ..OrganizationRequest::default()
    }
    .validate()
    .map_err(|errors| InitError::Invalid(format!("demo identity: {errors:?}")))?;
    update_settings(tx, organization_id, &input).await?;
    Ok(())
}

/// Creates the demo data unless it exists; returns the log-in lines to print.
pub async fn ensure_demo(db: &Db) -> Result<Vec<String>, InitError> {
    let logins: Vec<String> = Role::ALL
        .iter()
        .map(|role| {
            format!(
                "  {:<11} {}@demo.comptoir.test / {DEMO_PASSWORD}",
                role.as_str(),
                role.as_str()
            )
        })
        .collect();
    if store::credentials_by_email(db, ADMIN_EMAIL)
        .await?
        .is_some()
    {
        return Ok(logins);
    }
    let (organization_id, admin_id) =
        init_organization(db, "Comptoir Démo SARL", ADMIN_EMAIL, DEMO_PASSWORD).await?;
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| InitError::Invalid(e.to_string()))?;
    let actor = Actor {
        organization_id,
        user_id: Some(admin_id),
        request_id: Some("demo".into()),
        ip: None,
    };
    let mut tx = db.begin().await?;
    for role in Role::ALL.iter().filter(|r| **r != Role::Admin) {
        let email = Email::parse(&format!("{}@demo.comptoir.test", role.as_str()))
            .map_err(|e| InitError::Invalid(e.to_string()))?;
        store::create_user(
            &mut tx,
            NewUser {
                organization_id,
                email: &email,
                name: &format!("Démo {}", role.as_str()),
                role: *role,
                password_hash: &hash,
            },
        )
        .await?;
    }
    demo_identity(&mut tx, organization_id).await?;

    let mut categories = Vec::new();
    for (name, parent) in [
        ("Mobilier", None),
        ("Chaises", Some(0)),
        ("Tables", Some(0)),
        ("Éclairage", None),
        ("Épicerie fine", None),
        ("Prestations", None),
        ("Location de matériel", None),
    ] {
        let category = catalog::insert_category(
            &mut tx,
            organization_id,
            &CategoryInput {
                parent_id: parent.map(|i: usize| categories[i]),
                name: name.into(),
                description: None,
            },
        )
        .await?;
        created(&mut tx, &actor, "category", category.id, &category).await?;
        categories.push(category.id);
    }

    let goods = [
        ("Chaise bistrot", 1, "49.90", "22.00"),
        ("Chaise pliante", 1, "19.50", "8.40"),
        ("Tabouret de bar", 1, "64.00", "29.00"),
        ("Fauteuil lounge", 1, "189.00", "95.00"),
        ("Table ronde 120 cm", 2, "249.00", "120.00"),
        ("Table pliante 180 cm", 2, "129.00", "61.00"),
        ("Mange-debout", 2, "89.00", "41.00"),
        ("Lampadaire LED", 3, "139.00", "58.00"),
        ("Guirlande guinguette 10 m", 3, "34.90", "12.10"),
        ("Projecteur 50 W", 3, "59.00", "23.50"),
    ];
    let groceries = [
        ("Huile d'olive 75 cl", "12.90", "6.20"),
        ("Miel de lavande 250 g", "8.50", "4.10"),
        ("Confiture d'abricot", "5.90", "2.40"),
        ("Café en grains 1 kg", "24.00", "11.80"),
        ("Thé vert 100 g", "7.20", "3.10"),
    ];
    let services = [
        ("Livraison et installation", 5, Unit::Hour, "45.00"),
        ("Montage de stand", 5, Unit::Hour, "55.00"),
        ("Régie technique", 5, Unit::Day, "420.00"),
        ("Location chaise (jour)", 6, Unit::Day, "2.50"),
        ("Location table (jour)", 6, Unit::Day, "9.00"),
    ];
    let mut number = 0;
    let mut next_code = |prefix: &str| {
        number += 1;
        Code::parse(&format!("{prefix}-{number:04}"))
            .unwrap_or_else(|_| Code::generated("P", number))
    };
    let mut inputs = Vec::new();
    for round in 0..3 {
        let finish = ["Chêne", "Noir", "Blanc"][round];
        for (name, category, sale, purchase) in goods {
            inputs.push(ProductInput {
                code: next_code("MOB"),
                name: format!("{name} — {finish}"),
                description: Some(format!("{name}, finition {}", finish.to_lowercase())),
                kind: ProductKind::Goods,
                category_id: Some(categories[category]),
                unit: Unit::Unit,
                sale_price: price(sale),
                purchase_price: Some(price(purchase)),
                vat_rate: Percent::parse("20").unwrap_or_default(),
                vat_category: VatCategory::Standard,
                vat_exemption_reason: None,
                barcode: None,
                active: true,
                attributes: json!({ "finish": finish }),
            });
        }
    }
    for (round, origin) in ["Provence", "Corse", "Bretagne"].into_iter().enumerate() {
        for (name, sale, purchase) in groceries {
            inputs.push(ProductInput {
                code: next_code("EPI"),
                name: format!("{name} ({origin})"),
                description: None,
                kind: ProductKind::Goods,
                category_id: Some(categories[4]),
                unit: if round == 0 {
                    Unit::Unit
                } else {
                    Unit::Package
                },
                sale_price: price(sale),
                purchase_price: Some(price(purchase)),
                vat_rate: Percent::parse("5.5").unwrap_or_default(),
                vat_category: VatCategory::Standard,
                vat_exemption_reason: None,
                barcode: None,
                active: true,
                attributes: json!({ "origin": origin }),
            });
        }
    }
    for (name, category, unit, sale) in services {
        inputs.push(ProductInput {
            code: next_code("SRV"),
            name: name.into(),
            description: None,
            kind: ProductKind::Service,
            category_id: Some(categories[category]),
            unit,
            sale_price: price(sale),
            purchase_price: None,
            vat_rate: Percent::parse("20").unwrap_or_default(),
            vat_category: VatCategory::Standard,
            vat_exemption_reason: None,
            barcode: None,
            active: true,
            attributes: if category == 6 {
                json!({ "deposit": "50.00" })
            } else {
                json!({})
            },
        });
    }
    let mut products = Vec::new();
    for input in &inputs {
        let product = catalog::insert_product(&mut tx, organization_id, input).await?;
        created(&mut tx, &actor, "product", product.id, &product).await?;
        products.push(product);
    }

    let mut barcode_number = 0;
    for product in products.iter().take(4) {
        for (colour, delta) in [("rouge", "0"), ("vert", "0"), ("noir mat", "5.00")] {
            barcode_number += 1;
            let suffix: String = colour
                .split_whitespace()
                .map(|w| w.to_uppercase())
                .collect::<Vec<_>>()
                .join("-");
            let variant = catalog::insert_variant(
                &mut tx,
                organization_id,
                product.id,
                &VariantInput {
                    code: Code::parse(&format!("{}-{suffix}", product.code))
                        .map_err(|e| InitError::Invalid(e.to_string()))?,
                    name: format!("Assise {colour}"),
                    options: [("couleur".to_owned(), json!(colour))]
                        .into_iter()
                        .collect(),
                    price_delta: price(delta),
                    barcode: Barcode::parse(&with_ean_check(&format!("200000{barcode_number:06}")))
                        .ok(),
                    active: true,
                },
            )
            .await?;
            created(&mut tx, &actor, "variant", variant.id, &variant).await?;
        }
    }

    let resellers = price_lists::insert_price_list(
        &mut tx,
        organization_id,
        &PriceListInput {
            name: "Revendeurs".into(),
            description: Some(
                "Remise revendeurs : -10 %, -15 % sur le mobilier dès 10 pièces".into(),
            ),
            active: true,
        },
    )
    .await?;
    created(&mut tx, &actor, "price_list", resellers.id, &resellers).await?;
    let percent = |text: &str| Percent::parse(text).unwrap_or_default();
    let quantity = |text: &str| Quantity::parse(text).unwrap_or_default();
    for (scope, min_quantity, adjustment) in [
        (
            RuleScope::All,
            "0",
            RuleAdjustment::DiscountPercent(percent("10")),
        ),
        (
            RuleScope::Category(categories[0]),
            "10",
            RuleAdjustment::DiscountPercent(percent("15")),
        ),
        (
            RuleScope::Product(products[1].id),
            "50",
            RuleAdjustment::FixedPrice(price("15.90")),
        ),
    ] {
        let rule = price_lists::insert_price_rule(
            &mut tx,
            organization_id,
            resellers.id,
            &PriceRuleInput {
                scope,
                min_quantity: quantity(min_quantity),
                adjustment,
                valid_from: None,
                valid_to: None,
            },
        )
        .await?;
        created(&mut tx, &actor, "price_rule", rule.id, &rule).await?;
    }

    let companies = [
        "Boulangerie Martin",
        "Hôtel du Port",
        "Mairie de Saint-Aubin",
        "Traiteur Lefèvre",
        "Agence Événements Sud",
        "Camping Les Pins",
        "Restaurant Le Zinc",
        "Cave Dubois",
        "Théâtre municipal",
        "Lycée Jean Moulin",
        "Comité des fêtes",
        "SARL Bâti-Ouest",
        "Brasserie du Marché",
        "Association Les Amis du Jazz",
        "Golf de la Vallée",
    ];
    let individuals = [
        "Claire Dupont",
        "Julien Moreau",
        "Sophie Bernard",
        "Karim Haddad",
        "Élodie Petit",
        "Marc Lambert",
    ];
    let siren_body = ["73282932", "55210055", "54205118", "38012986"];
    let mut clients = Vec::new();
    for (i, name) in companies.iter().chain(individuals.iter()).enumerate() {
        let company = i < companies.len();
        let siren = company
            .then(|| with_luhn(siren_body[i % siren_body.len()]))
            .and_then(|s| Siren::parse(&s).ok());
        let identity = PartyIdentity {
            kind: if company {
                PartyKind::Company
            } else {
                PartyKind::Individual
            },
            name: (*name).into(),
            email: Email::parse(&format!("contact{}@client{}.example", i + 1, i + 1)).ok(),
            phone: Some(format!("04 91 00 {:02} {:02}", i, i * 3 % 100)),
            vat_number: None,
            siren,
            siret: None,
            payment_terms_days: if company { 30 } else { 0 },
            notes: None,
        };
        let client = parties::insert_client(
            &mut tx,
            organization_id,
            &ClientInput {
                code: None,
                identity,
                status: if i % 7 == 6 {
                    ClientStatus::Prospect
                } else {
                    ClientStatus::Active
                },
                discount_percent: if company && i % 3 == 0 {
                    Percent::parse("5").unwrap_or_default()
                } else {
                    Percent::ZERO
                },
                credit_limit: company.then(|| Money::parse("5000").unwrap_or_default()),
                price_list_id: (company && i % 4 == 1).then_some(resellers.id),
            },
        )
        .await?;
        created(&mut tx, &actor, "client", client.id, &client).await?;
        let (street, postal_code, city) = STREETS[i % STREETS.len()];
        let address = parties::insert_address(
            &mut tx,
            organization_id,
            Party::Client(client.id),
            &AddressInput {
                kind: AddressKind::Billing,
                label: None,
                line1: format!("{} {street}", i * 7 % 90 + 1),
                line2: None,
                postal_code: postal_code.into(),
                city: city.into(),
                country: "FR".into(),
                is_default: true,
            },
        )
        .await?;
        created(&mut tx, &actor, "address", address.id, &address).await?;
        if company {
            let contact = parties::insert_contact(
                &mut tx,
                organization_id,
                Party::Client(client.id),
                &ContactInput {
                    name: individuals[i % individuals.len()].into(),
                    job_title: Some(
                        if i % 2 == 0 {
                            "Gérant"
                        } else {
                            "Comptabilité"
                        }
                        .into(),
                    ),
                    email: Email::parse(&format!("contact{}@client{}.example", i + 1, i + 1)).ok(),
                    phone: None,
                    is_primary: true,
                },
            )
            .await?;
            created(&mut tx, &actor, "contact", contact.id, &contact).await?;
        }
        clients.push(client);
    }

    let mut suppliers = Vec::new();
    for (i, name) in [
        "Mobilier Pro Distribution",
        "Lumière & Cie",
        "Saveurs du Sud",
        "Tentes et Structures",
        "Imprimerie Rapide",
    ]
    .iter()
    .enumerate()
    {
        let supplier = parties::insert_supplier(
            &mut tx,
            organization_id,
            &SupplierInput {
                code: None,
                identity: PartyIdentity {
                    kind: PartyKind::Company,
                    name: (*name).into(),
                    email: Email::parse(&format!("commandes@fournisseur{}.example", i + 1)).ok(),
                    phone: None,
                    vat_number: None,
                    siren: None,
                    siret: Siret::parse("73282932000074").ok().filter(|_| i == 0),
                    payment_terms_days: 45,
                    notes: None,
                },
                active: true,
            },
        )
        .await?;
        created(&mut tx, &actor, "supplier", supplier.id, &supplier).await?;
        suppliers.push(supplier.id);
    }

    // Furniture comes from the first supplier, lighting from the second,
    // groceries from the third.
    for product in &products {
        let supplier_id = match product.code.as_str() {
            code if code.starts_with("EPI") => suppliers[2],
            _ if product.category_id == Some(categories[3]) => suppliers[1],
            code if code.starts_with("MOB") => suppliers[0],
            _ => continue,
        };
        let Some(Fixed(purchase_price)) = product.purchase_price else {
            continue;
        };
        let entry = catalog::insert_product_supplier(
            &mut tx,
            organization_id,
            product.id,
            &ProductSupplierInput {
                supplier_id,
                supplier_reference: Some(format!("REF-{}", product.code)),
                purchase_price,
                lead_time_days: 7,
                min_order_quantity: quantity("10"),
            },
        )
        .await?;
        created(&mut tx, &actor, "product_supplier", entry.id, &entry).await?;
    }

    // The history first, so today's documents below come last in every series.
    let history = history::plan(chrono::Utc::now().date_naive(), &products, &clients);
    let needs = history.stock_needed(&products);
    let store = demo_stock(&mut tx, &actor, &products, suppliers[0], &needs).await?;
    write_history(&mut tx, &actor, &products, &clients, store, &history).await?;
    let client_ids: Vec<Uuid> = clients.iter().map(|client| client.id).collect();
    demo_sales(&mut tx, &actor, &products, &client_ids).await?;
    tx.commit().await?;
    Ok(logins)
}

const STREETS: [(&str, &str, &str); 5] = [
    ("rue de la République", "13001", "Marseille"),
    ("avenue Jean Jaurès", "69007", "Lyon"),
    ("boulevard Gambetta", "06000", "Nice"),
    ("place du Marché", "34000", "Montpellier"),
    ("quai des Chartrons", "33000", "Bordeaux"),
];

/// Audits a demo row as created by the admin.
async fn created<T: serde::Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    resource_type: &str,
    id: Uuid,
    row: &T,
) -> Result<(), DbError> {
    let after = serde_json::to_value(row).ok();
    audit::record(tx, actor, "create", resource_type, Some(id), None, after).await
}

/// Completes 12 digits with their EAN-13 check digit.
fn with_ean_check(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|candidate| Barcode::parse(candidate).is_ok())
        .unwrap_or_default()
}

fn with_luhn(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|candidate| comptoir_domain::identifiers::luhn_valid(candidate))
        .unwrap_or_default()
}
