//! ISO 4217 currency codes: a document's currency is one of the codes in
//! use today (ISO 4217 list one), not any three capital letters.

/// The active ISO 4217 codes of currencies, funds aside (no precious
/// metals, bond units or testing codes: nobody is invoiced in them).
const ACTIVE: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP",
    "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY",
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD",
    "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
    "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG",
    "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS",
    "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// The currency of an organization that names none.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// Reads an ISO 4217 code, in capitals as the standard writes it.
pub fn parse_currency(text: &str) -> Result<String, String> {
    ACTIVE
        .binary_search(&text)
        .map(|_| text.to_owned())
        .map_err(|_| "must be an ISO 4217 currency code in use, e.g. EUR".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_so_lookups_find_every_code() {
        let mut sorted = ACTIVE.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, ACTIVE);
    }

    #[test]
    fn only_codes_in_use_are_currencies() {
        for code in ["EUR", "USD", "CHF", "GBP", "XOF", "XPF"] {
            assert_eq!(parse_currency(code).as_deref(), Ok(code));
        }
        for text in ["XYZ", "eur", "EURO", "", "XAU", "XXX", "FRF"] {
            assert!(parse_currency(text).is_err(), "{text}");
        }
    }
}
