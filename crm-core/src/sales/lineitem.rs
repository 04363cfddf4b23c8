//! Line items of deals and quotes, and their exact totals.
//!
//! The rounding rule, applied to each line on its own and then summed (so the totals are
//! always the sums of the lines, to the unit):
//! 1. `subtotal = quantity × unit price`, rounded half away from zero to the minor unit;
//! 2. `discount` is a percentage of the subtotal (rounded the same way) or a fixed amount no
//!    larger than the subtotal;
//! 3. `net = subtotal − discount`;
//! 4. `tax = net × tax rate`, rounded half away from zero;
//! 5. `gross = net + tax`.

use serde::{Deserialize, Serialize};

use crate::records::fields::MAX_EXACT_INTEGER;
use crate::sales::fx::div_round;
use crate::sales::product::{self, PriceList, Product, TaxRate};
use crate::storage::store::Reader;
use crate::values::decimal::Decimal;
use crate::values::error::{Error, Result};
use crate::values::id::ProductId;
use crate::values::money::{Currency, Money};
use crate::{records::record, values::text};

/// A discount on one line.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Discount {
    /// A share of the line's subtotal, in basis points (1000 = 10 %, at most 10000).
    #[n(0)]
    Percent {
        /// The share in basis points.
        #[n(0)]
        basis_points: u32,
    },
    /// A fixed amount off the line, in the line's currency, at most its subtotal.
    #[n(1)]
    Amount {
        /// The amount off.
        #[n(0)]
        amount: Money,
    },
}

/// What a caller provides for a line of a deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LineItemInput {
    /// The product sold, if any (its name, price and tax rate are the defaults).
    #[serde(default)]
    pub product: Option<ProductId>,
    /// What is sold; required without a product.
    #[serde(default)]
    pub description: Option<String>,
    /// How many; not negative, fractions allowed (hours, kilograms).
    pub quantity: Decimal,
    /// The price of one unit; the product's price (or the deal's price list's) when absent.
    #[serde(default)]
    pub unit_price: Option<Money>,
    /// A discount on the line.
    #[serde(default)]
    pub discount: Option<Discount>,
    /// The tax rate in basis points; the product's when absent, else 0.
    #[serde(default)]
    pub tax_rate: Option<TaxRate>,
}

/// A priced line of a deal or quote, with its computed amounts.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineItem {
    /// The product sold, if any.
    #[n(0)]
    pub product: Option<ProductId>,
    /// What is sold.
    #[n(1)]
    pub description: String,
    /// How many.
    #[n(2)]
    pub quantity: Decimal,
    /// The price of one unit.
    #[n(3)]
    pub unit_price: Money,
    /// The discount given.
    #[n(4)]
    pub discount: Option<Discount>,
    /// The tax rate in basis points.
    #[n(5)]
    pub tax_rate: TaxRate,
    /// Quantity × unit price.
    #[n(6)]
    pub subtotal: Money,
    /// The amount the discount takes off.
    #[n(7)]
    pub discount_amount: Money,
    /// Subtotal less discount.
    #[n(8)]
    pub net: Money,
    /// Tax on the net amount.
    #[n(9)]
    pub tax: Money,
    /// Net plus tax.
    #[n(10)]
    pub gross: Money,
}

/// The sums of a set of lines, all in one currency.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Totals {
    /// The sum of the lines' net amounts.
    #[n(0)]
    pub net: Money,
    /// The sum of the lines' tax.
    #[n(1)]
    pub tax: Money,
    /// The sum of the lines' gross amounts.
    #[n(2)]
    pub gross: Money,
}

fn exact(field: &str, minor: i128, currency: Currency) -> Result<Money> {
    if minor.unsigned_abs() > MAX_EXACT_INTEGER as u128 {
        return Err(Error::validation(field, "the amount is too large"));
    }
    // In range, so the conversion cannot fail.
    Ok(Money::new(minor as i64, currency))
}

/// Computes one line from its parts (the rounding rule of the module).
pub fn price_line(
    product: Option<ProductId>,
    description: String,
    quantity: Decimal,
    unit_price: Money,
    discount: Option<Discount>,
    tax_rate: TaxRate,
) -> Result<LineItem> {
    let currency = unit_price.currency();
    if quantity.mantissa() < 0 {
        return Err(Error::validation("quantity", "cannot be negative"));
    }
    product::check_price("unit_price", unit_price)?;
    product::check_tax_rate("tax_rate", tax_rate)?;
    let scale = 10i128.pow(u32::from(quantity.scale()));
    let subtotal = div_round(
        i128::from(quantity.mantissa()) * i128::from(unit_price.amount_minor()),
        scale,
    )
    .ok_or_else(|| Error::validation("quantity", "the amount is too large"))?;
    let subtotal = exact("quantity", subtotal, currency)?;
    let discount_amount = match discount {
        None => 0,
        Some(Discount::Percent { basis_points }) => {
            if basis_points > 10_000 {
                return Err(Error::validation(
                    "discount.basis_points",
                    "must be from 0 to 10000 (100 %)",
                ));
            }
            div_round(
                i128::from(subtotal.amount_minor()) * i128::from(basis_points),
                10_000,
            )
            .unwrap_or(0)
        }
        Some(Discount::Amount { amount }) => {
            if amount.currency() != currency {
                return Err(Error::validation(
                    "discount.amount",
                    "is not in the line's currency",
                ));
            }
            if amount.amount_minor() < 0 || amount.amount_minor() > subtotal.amount_minor() {
                return Err(Error::validation(
                    "discount.amount",
                    "must be from zero to the line's subtotal",
                ));
            }
            i128::from(amount.amount_minor())
        }
    };
    let net = i128::from(subtotal.amount_minor()) - discount_amount;
    let tax = div_round(net * i128::from(tax_rate), 10_000).unwrap_or(0);
    Ok(LineItem {
        product,
        description,
        quantity,
        unit_price,
        discount,
        tax_rate,
        subtotal,
        discount_amount: exact("discount", discount_amount, currency)?,
        net: exact("quantity", net, currency)?,
        tax: exact("tax_rate", tax, currency)?,
        gross: exact("quantity", net + tax, currency)?,
    })
}

/// The totals of lines in one currency; `None` without lines.
pub fn totals(lines: &[LineItem]) -> Result<Option<Totals>> {
    let Some(first) = lines.first() else {
        return Ok(None);
    };
    let currency = first.unit_price.currency();
    let sum = |part: fn(&LineItem) -> Money| -> Result<Money> {
        let total: i128 = lines
            .iter()
            .map(|l| i128::from(part(l).amount_minor()))
            .sum();
        exact("line_items", total, currency)
    };
    Ok(Some(Totals {
        net: sum(|l| l.net)?,
        tax: sum(|l| l.tax)?,
        gross: sum(|l| l.gross)?,
    }))
}

/// Prices the input lines of a deal in `currency` (the deal's), with products' defaults and
/// the deal's price list; errors name `line_items[i]`.
pub(crate) fn price_lines(
    r: &mut impl Reader,
    inputs: &[LineItemInput],
    currency: Currency,
    price_list: Option<&PriceList>,
) -> Result<Vec<LineItem>> {
    let mut out = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let at = format!("line_items[{i}]");
        let field = |part: &str| format!("{at}.{part}");
        let product: Option<Product> = match input.product {
            Some(id) => Some(record::load(r, id.as_u128())?.ok_or_else(|| {
                Error::validation(field("product"), "is not an existing product")
            })?),
            None => None,
        };
        let description = match (
            input
                .description
                .as_deref()
                .map(text::clean)
                .filter(|d| !d.is_empty()),
            &product,
        ) {
            (Some(d), _) => d,
            (None, Some(p)) => p.name.clone(),
            (None, None) => {
                return Err(Error::validation(
                    field("description"),
                    "is required without a product",
                ));
            }
        };
        let unit_price = match (input.unit_price, &product) {
            (Some(p), _) => p,
            (None, Some(prod)) => product::unit_price(prod, price_list, currency)
                .map_err(|reason| Error::validation(field("unit_price"), reason))?,
            (None, None) => {
                return Err(Error::validation(
                    field("unit_price"),
                    "is required without a product",
                ));
            }
        };
        if unit_price.currency() != currency {
            return Err(Error::validation(
                field("unit_price"),
                "is not in the deal's currency",
            ));
        }
        let tax_rate = input
            .tax_rate
            .or(product.as_ref().map(|p| p.tax_rate))
            .unwrap_or(0);
        let line = price_line(
            input.product,
            description,
            input.quantity,
            unit_price,
            input.discount,
            tax_rate,
        )
        .map_err(|e| e.within(&at))?;
        out.push(line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pln(minor: i64) -> Money {
        Money::new(minor, Currency::PLN)
    }

    #[test]
    fn a_line_rounds_each_step_half_away_from_zero() {
        // 2.5 units at 10.01 PLN = 25.025 → 25.03; 10 % off = 2.503 → 2.50; net 22.53;
        // 23 % tax = 5.1819 → 5.18; gross 27.71.
        let line = price_line(
            None,
            "Konsultacje".into(),
            "2.5".parse().unwrap(),
            pln(1001),
            Some(Discount::Percent { basis_points: 1000 }),
            2300,
        )
        .unwrap();
        assert_eq!(line.subtotal, pln(2503));
        assert_eq!(line.discount_amount, pln(250));
        assert_eq!(line.net, pln(2253));
        assert_eq!(line.tax, pln(518));
        assert_eq!(line.gross, pln(2771));
        // JPY has no minor unit: 3 × 333 = 999 yen, 8 % tax = 79.92 → 80.
        let yen = price_line(
            None,
            "x".into(),
            Decimal::from_i64(3),
            Money::new(333, Currency::JPY),
            None,
            800,
        )
        .unwrap();
        assert_eq!((yen.net.amount_minor(), yen.tax.amount_minor()), (999, 80));
    }

    #[test]
    fn bad_lines_are_refused_by_field() {
        let q = |s: &str| s.parse::<Decimal>().unwrap();
        let e = price_line(None, "x".into(), q("-1"), pln(100), None, 0).unwrap_err();
        assert_eq!(e.field(), Some("quantity"));
        let e = price_line(None, "x".into(), q("1"), pln(-5), None, 0).unwrap_err();
        assert_eq!(e.field(), Some("unit_price"));
        let e = price_line(
            None,
            "x".into(),
            q("1"),
            pln(100),
            Some(Discount::Percent {
                basis_points: 10_001,
            }),
            0,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("discount.basis_points"));
        let off = Discount::Amount { amount: pln(101) };
        assert_eq!(
            price_line(None, "x".into(), q("1"), pln(100), Some(off), 0)
                .unwrap_err()
                .field(),
            Some("discount.amount")
        );
        let eur = Discount::Amount {
            amount: Money::new(1, Currency::EUR),
        };
        assert_eq!(
            price_line(None, "x".into(), q("1"), pln(100), Some(eur), 0)
                .unwrap_err()
                .field(),
            Some("discount.amount")
        );
        assert_eq!(
            price_line(None, "x".into(), q("1"), pln(100), None, 10_001)
                .unwrap_err()
                .field(),
            Some("tax_rate")
        );
        let huge = price_line(
            None,
            "x".into(),
            q("1000000000"),
            pln(MAX_EXACT_INTEGER),
            None,
            0,
        )
        .unwrap_err();
        assert_eq!(huge.field(), Some("quantity"));
    }
}
