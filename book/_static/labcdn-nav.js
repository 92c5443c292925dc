// labcdn: make the article header's sidebar buttons work (sphinx-book-theme 1.3 + pydata-sphinx-theme 0.17).
// Both themes bind their handlers to the *first* .primary-toggle / .secondary-toggle on the page, which is
// the navbar's button, hidden in this layout; the visible buttons in the article header get no handler, so
// the navigation menu cannot be opened at 390 px (nor the sidebar collapsed at 1280 px). Forward their
// clicks to the first button, whose handlers do the right thing at each width.
document.addEventListener("DOMContentLoaded", function () {
  [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
    var buttons = document.querySelectorAll(selector);
    var first = buttons[0];
    for (var i = 1; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        first.click();
      });
    }
  });
});
