//! The columns of each importable entity, and the header names (English
//! field names and French aliases) that map to them. Matching ignores
//! case, accents, spaces, dashes and underscores: "Prix HT", "prix_ht"
//! and "PRIX-HT" are the same column.

/// An importable entity and its columns: (field, aliases).
pub struct Entity {
    pub name: &'static str,
    pub columns: &'static [(&'static str, &'static [&'static str])],
    /// Columns a file must have. Only what identifies a row: an update
    /// file may carry just the code and the columns it changes, and a new
    /// row missing a required value is reported on its own row.
    pub required: &'static [&'static str],
}

pub const PRODUCTS: Entity = Entity {
    name: "products",
    columns: &[
        ("code", &["reference", "ref", "code_article", "sku"]),
        ("name", &["designation", "libelle", "nom", "article"]),
        ("description", &["description_longue", "detail"]),
        ("kind", &["type", "nature"]),
        ("category", &["categorie", "famille"]),
        ("unit", &["unite"]),
        (
            "sale_price",
            &["prix_ht", "prix_vente", "prix_vente_ht", "pv_ht"],
        ),
        ("purchase_price", &["prix_achat", "prix_achat_ht", "pa_ht"]),
        ("vat_rate", &["tva", "taux_tva"]),
        ("vat_category", &["categorie_tva"]),
        ("vat_exemption_reason", &["motif_exoneration"]),
        ("barcode", &["code_barre", "ean", "gencod"]),
        ("active", &["actif"]),
    ],
    required: &["code"],
};

pub const CLIENTS: Entity = Entity {
    name: "clients",
    columns: &[
        ("code", &["code_client", "reference"]),
        ("kind", &["type"]),
        ("name", &["nom", "raison_sociale", "societe"]),
        ("email", &["courriel", "mail", "e_mail"]),
        ("phone", &["telephone", "tel"]),
        (
            "vat_number",
            &["tva_intracommunautaire", "numero_tva", "tva_intra"],
        ),
        ("siren", &[]),
        ("siret", &[]),
        ("status", &["statut"]),
        (
            "payment_terms_days",
            &["delai_paiement", "delai_de_paiement"],
        ),
        ("discount_percent", &["remise", "remise_pourcent"]),
        ("credit_limit", &["encours_max", "plafond_credit"]),
        ("notes", &["remarques", "commentaire"]),
    ],
    required: &[],
};

pub const SUPPLIERS: Entity = Entity {
    name: "suppliers",
    columns: &[
        ("code", &["code_fournisseur", "reference"]),
        ("kind", &["type"]),
        ("name", &["nom", "raison_sociale", "societe"]),
        ("email", &["courriel", "mail", "e_mail"]),
        ("phone", &["telephone", "tel"]),
        (
            "vat_number",
            &["tva_intracommunautaire", "numero_tva", "tva_intra"],
        ),
        ("siren", &[]),
        ("siret", &[]),
        (
            "payment_terms_days",
            &["delai_paiement", "delai_de_paiement"],
        ),
        ("active", &["actif"]),
        ("notes", &["remarques", "commentaire"]),
    ],
    required: &[],
};

/// The physical stock of an item at a location, as the stock export writes
/// it: `location` is `WAREHOUSE/LOCATION`, or a location code beside a
/// `warehouse` column, and a warehouse alone means its `STOCK` location.
/// `reserved` and `available` follow from reservations: an export's
/// columns are accepted and left aside.
pub const STOCK_LEVELS: Entity = Entity {
    name: "stock_levels",
    columns: &[
        (
            "product",
            &[
                "product_code",
                "code",
                "reference",
                "ref",
                "code_article",
                "sku",
                "produit",
                "article",
            ],
        ),
        (
            "variant",
            &["variant_code", "variante", "code_variante", "declinaison"],
        ),
        (
            "warehouse",
            &["warehouse_code", "entrepot", "depot", "code_entrepot"],
        ),
        (
            "location",
            &["location_code", "emplacement", "code_emplacement"],
        ),
        (
            "physical",
            &["quantity", "quantite", "qte", "stock", "stock_physique"],
        ),
        ("reserved", &["reserve"]),
        ("available", &["disponible"]),
    ],
    required: &["product", "physical"],
};

/// Rules of a price list, matched on (price list, target, minimum
/// quantity, start date): a row with the same key updates that rule. The
/// target is the `variant`, else the `product`, else the `category` the
/// row names; none means the whole catalog. `scope` may say it outright.
pub const PRICE_LIST_RULES: Entity = Entity {
    name: "price_list_rules",
    columns: &[
        (
            "price_list",
            &["liste_de_prix", "tarif", "grille", "grille_tarifaire"],
        ),
        ("scope", &["portee"]),
        (
            "product",
            &[
                "product_code",
                "code_article",
                "reference",
                "ref",
                "sku",
                "produit",
                "article",
            ],
        ),
        (
            "variant",
            &["variant_code", "variante", "code_variante", "declinaison"],
        ),
        ("category", &["categorie", "famille"]),
        (
            "min_quantity",
            &[
                "quantite_min",
                "quantite_minimale",
                "qte_min",
                "a_partir_de",
            ],
        ),
        ("fixed_price", &["prix", "prix_fixe", "prix_net", "prix_ht"]),
        ("discount_percent", &["remise", "remise_pourcent"]),
        ("valid_from", &["du", "debut", "date_debut", "valable_du"]),
        ("valid_to", &["au", "fin", "date_fin", "valable_au"]),
    ],
    required: &["price_list"],
};

pub const ENTITIES: &[&Entity] = &[
    &PRODUCTS,
    &CLIENTS,
    &SUPPLIERS,
    &PRICE_LIST_RULES,
    &STOCK_LEVELS,
];

/// The names of the importable entities, for messages.
pub fn entity_names() -> String {
    ENTITIES
        .iter()
        .map(|entity| entity.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lower case, no accents, words joined by `_`.
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.trim().chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            ' ' | '-' | '_' | '.' | '\'' => '_',
            other => other,
        };
        if plain == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        if plain.is_alphanumeric() || plain == '_' {
            out.push(plain);
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Which field each column of a file holds.
#[derive(Debug, PartialEq, Eq)]
pub struct ColumnMap {
    /// (field, column index), in file order.
    pub fields: Vec<(&'static str, usize)>,
}

/// Problems with a header row, each as (column or field, message).
pub type HeaderProblems = Vec<(String, String)>;

impl Entity {
    /// Maps a header row to fields: unknown and repeated columns and
    /// missing required fields are all reported at once.
    pub fn map_headers(&self, headers: &[String]) -> Result<ColumnMap, HeaderProblems> {
        let mut fields = Vec::new();
        let mut problems = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            let wanted = normalize_header(header);
            if wanted.is_empty() {
                continue;
            }
            let found = self
                .columns
                .iter()
                .find(|(field, aliases)| *field == wanted || aliases.contains(&wanted.as_str()));
            match found {
                Some((field, _)) if fields.iter().any(|(f, _)| f == field) => {
                    problems.push((header.clone(), format!("a second column for {field}")))
                }
                Some((field, _)) => fields.push((*field, index)),
                None => problems.push((header.clone(), "unknown column".to_owned())),
            }
        }
        for field in self.required {
            if !fields.iter().any(|(f, _)| f == field) {
                problems.push(((*field).to_owned(), "required column missing".to_owned()));
            }
        }
        if problems.is_empty() {
            Ok(ColumnMap { fields })
        } else {
            Err(problems)
        }
    }

    /// The header row of the entity's template file.
    pub fn template_header(&self) -> String {
        self.columns
            .iter()
            .map(|(field, _)| *field)
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn french_headers_in_any_case_map_to_fields() {
        let map = PRODUCTS
            .map_headers(&headers(&[
                "Référence",
                "Désignation",
                "Prix HT",
                "TVA",
                "Code-Barre",
            ]))
            .unwrap();
        assert_eq!(
            map.fields,
            [
                ("code", 0),
                ("name", 1),
                ("sale_price", 2),
                ("vat_rate", 3),
                ("barcode", 4)
            ]
        );
    }

    #[test]
    fn every_header_problem_is_reported() {
        let problems = PRODUCTS
            .map_headers(&headers(&["Désignation", "Couleur", "nom", ""]))
            .unwrap_err();
        assert_eq!(
            problems,
            [
                ("Couleur".to_owned(), "unknown column".to_owned()),
                ("nom".to_owned(), "a second column for name".to_owned()),
                ("code".to_owned(), "required column missing".to_owned()),
            ]
        );
    }

    #[test]
    fn normalizing_headers() {
        assert_eq!(
            normalize_header(" Prix de vente H.T. "),
            "prix_de_vente_h_t"
        );
        assert_eq!(normalize_header("Délai de paiement"), "delai_de_paiement");
        assert_eq!(normalize_header("E-mail"), "e_mail");
    }

    #[test]
    fn templates_list_every_field() {
        assert!(
            PRODUCTS
                .template_header()
                .starts_with("code,name,description")
        );
        for entity in ENTITIES {
            for required in entity.required {
                assert!(entity.columns.iter().any(|(field, _)| field == required));
            }
        }
    }
}
