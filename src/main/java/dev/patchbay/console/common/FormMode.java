package dev.patchbay.console.common;

/** Whether a page's form is closed, creating a new item, or editing the selected one. */
public enum FormMode {
    CLOSED, CREATE, EDIT
}
