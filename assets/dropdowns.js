/* Keyboard and screen-reader access to Dash 4's dcc.Dropdown (Dash 4.4), on the public and the staff pages.

   A file in assets/, as the Content-Security-Policy (security.py) wants it: scripts from 'self' only, nothing
   inline, no eval. Dash's dropdown markup is fixed after React has drawn it; when a Dash upgrade changes that
   markup the selectors below find nothing and change nothing, and tests/browser/test_accessibility.py (axe, with
   a menu open) and the keyboard test show what is missing.

   1. A closed dropdown: Dash puts a hidden, focusable <input class="dash-dropdown-focus-target"
      aria-hidden="true"> in the tab order in front of the dropdown's button (axe: aria-hidden-focus). style.css
      takes that input out; here the button itself (tabindex -1 from Dash) joins the tab order.
   2. An open menu's list (role=listbox) is named after its control's label (axe: aria-input-field-name).
   3. Its options. Dash draws each one as <label role="option" aria-selected> around a radio (single choice) or
      checkbox (multi) input of its own, and the arrow keys move the keyboard focus onto that input (focusItem in
      Dash's utils/optionRendering.tsx); Enter or Space on it chooses. But an option's content is presentational
      in ARIA and may hold nothing focusable (axe: nested-interactive), and what a screen reader meets on the way
      is the focused input, not the option. So the option's role and state move onto the input that takes the
      focus: the input becomes role="option" with aria-selected (aria-disabled for a theme heading), named by the
      label's text (aria-labelledby; the text itself aria-hidden, so the list holds options only, each read once);
      the label keeps no role. Keyboard and mouse behave exactly as Dash made them: the focus goes
      where Dash sends it, a click on the label is a click on its input. The inputs stay out of the tab order
      (tabindex -1): Dash moves between options itself, with the arrows and with Tab.
      React sets aria-selected on the label again whenever the selection changes, and a long list is virtualised
      (its rows are drawn as it scrolls), so each open menu is watched for new rows and changed states and fixed
      again. Every change below is made only when the value differs, so the watching settles at once.
*/
(function () {
  "use strict";

  function set(element, name, value) {
    if (element.getAttribute(name) !== value) { element.setAttribute(name, value); }
  }

  function drop(element, name) {
    if (element.hasAttribute(name)) { element.removeAttribute(name); }
  }

  var optionTexts = 0;

  function fixOption(label) {
    var input = label.querySelector("input.dash-options-list-option-checkbox");
    if (!input) { return; }
    var selected = label.getAttribute("aria-selected");  // what Dash (React) says, when it last said it
    if (selected !== null) {
      set(input, "aria-selected", selected);
    } else if (!input.hasAttribute("aria-selected")) {
      set(input, "aria-selected", input.checked ? "true" : "false");
    }
    set(input, "role", "option");
    set(input, "tabindex", "-1");
    var text = label.querySelector(".dash-options-list-option-text");
    if (text) {  // the option's text names the option, and is not read a second time beside it
      if (!text.id) { text.id = "tk-option-text-" + (++optionTexts); }
      set(input, "aria-labelledby", text.id);
      set(text, "aria-hidden", "true");
    }
    if (input.disabled) { set(input, "aria-disabled", "true"); } else { drop(input, "aria-disabled"); }
    drop(label, "aria-selected");
    drop(label, "role");
  }

  function fixMenu(content) {
    var list = content.querySelector("[role=listbox]");
    var open = document.querySelector("button.dash-dropdown[aria-expanded=true]");
    if (list && open && !list.hasAttribute("aria-label")) {
      var label = open.id && document.querySelector("label[for='" + CSS.escape(open.id) + "']");
      set(list, "aria-label", (label || open).textContent.trim());
    }
    var options = content.querySelectorAll("label.dash-options-list-option");
    for (var i = 0; i < options.length; i++) { fixOption(options[i]); }
  }

  function watchMenu(content) {
    if (content.__tkDropdownWatched) { return; }
    content.__tkDropdownWatched = true;
    new MutationObserver(function () { fixMenu(content); })
      .observe(content, {childList: true, subtree: true, attributes: true,
                         attributeFilter: ["aria-selected", "role", "disabled"]});
    // its side is set on the content's wrapper too; watch the content's own data-side (Radix sets it when placed)
    new MutationObserver(function () { roomBelow(content); })
      .observe(content, {attributes: true, attributeFilter: ["data-side"]});
    fixMenu(content);
  }

  function scan() {
    var buttons = document.querySelectorAll("button.dash-dropdown[tabindex='-1']");
    for (var i = 0; i < buttons.length; i++) { buttons[i].setAttribute("tabindex", "0"); }
    var menus = document.querySelectorAll(".dash-dropdown-content");
    for (var j = 0; j < menus.length; j++) { watchMenu(menus[j]); roomBelow(menus[j]); }
  }

  /* 4. A menu opens below its control. Radix flips it above when the window has too little room below, and there
     it covers the controls above (the Åldersgrupp menu over Kön). So when a menu opens above its control, the page
     scrolls until there is room for it below (Radix follows the scroll and puts it there), when the page can. */
  function roomBelow(content) {
    var open = document.querySelector("button.dash-dropdown[aria-expanded=true]");
    if (!open || content.getAttribute("data-side") !== "top" || content.__tkRoomMade === open) { return; }
    content.__tkRoomMade = open;  // once per opening of this control
    var need = content.getBoundingClientRect().height + 16;
    var below = window.innerHeight - open.getBoundingClientRect().bottom;
    if (below < need) { window.scrollBy({top: need - below, behavior: "instant"}); }
  }

  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  scan();
})();
