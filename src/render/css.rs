//! The stylesheet: parsed and minified by lightningcss, published under a name that holds
//! its content hash so browsers can cache it for ever.

use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};

/// Minifies `source`, or explains where it is broken.
pub fn minify(source: &str, file: &str) -> Result<String, String> {
    let mut sheet = StyleSheet::parse(
        source,
        ParserOptions {
            filename: file.to_string(),
            ..ParserOptions::default()
        },
    )
    .map_err(|e| format!("{file}: the CSS cannot be read: {e}"))?;
    sheet
        .minify(MinifyOptions::default())
        .map_err(|e| format!("{file}: the CSS cannot be minified: {e}"))?;
    let out = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|e| format!("{file}: the CSS cannot be written: {e}"))?;
    Ok(out.code)
}

/// A stable 64-bit FNV-1a hash, so file names do not change between Rust versions.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minifies() {
        let css = minify("body {\n  color: #ffffff;\n}\n", "x.css").unwrap();
        assert_eq!(css, "body{color:#fff}");
    }
}
