import "../shared/styles.css";
import { h, replace } from "../shared/dom";
import { T, initLanguage } from "../shared/i18n";
import { mountShell } from "../shared/shell";

initLanguage();
const shell = mountShell("page.home");
replace(shell.main, h("section", { class: "card narrow" }, T("h1", "home.title"), T("p", "home.body", { class: "lead" })));
