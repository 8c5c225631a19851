//! "My list": the shortlist page. The list itself lives in the browser; the page works
//! with the `js/shortlist.js` script and explains what to do without JavaScript.

use super::{Deriver, EasyLine, PageSpec};

pub const PATH: &str = "my-list/";

impl Deriver<'_> {
    pub(super) fn my_list_page(&self) -> PageSpec {
        let easy_read = vec![
            EasyLine {
                text: "Save activities you like to your list.".into(),
                picture: self.pic("⭐"),
                own: false,
            },
            EasyLine {
                text: "Your list stays on this phone or computer.".into(),
                picture: self.pic("📱"),
                own: false,
            },
            EasyLine {
                text: "You can print your list or send a link to it.".into(),
                picture: self.pic("🖨️"),
                own: false,
            },
        ];
        let mut ctx = tera::Context::new();
        ctx.insert("easy_read", &easy_read);
        ctx.insert("index_url", &self.url(crate::export::shortlist::INDEX_PATH));
        let meta = self.meta(
            "My list",
            "The activities you saved, to print or share.",
            PATH,
            "my-list",
            vec![("Home", "")],
        );
        self.page(meta, "my_list.html", ctx)
    }
}
