//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything unsafe (scripts,
//! inline styles, event handlers) that a listing might contain.

use pulldown_cmark::{html, Options, Parser};

pub fn to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(markdown, options);
    let mut raw = String::new();
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener"))
        // Listings' own headings start at level 2: the page title is the only h1.
        .rm_tags(&["h1", "img"])
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_strips_scripts() {
        let html =
            to_html("Hello **there**.\n\n<script>alert(1)</script>\n\n[link](https://example.org)");
        assert!(html.contains("<strong>there</strong>"));
        assert!(!html.contains("script"));
        assert!(html.contains("href=\"https://example.org\""));
    }
}
