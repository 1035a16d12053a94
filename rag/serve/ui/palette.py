"""One palette for the light and dark themes, checked for WCAG AA contrast, as CSS custom properties."""

from __future__ import annotations

AA_TEXT = 4.5  # WCAG 2.x AA for normal-size text

# Each theme names the same roles; text roles are listed with the background they sit on in CONTRAST_PAIRS.
PALETTE = {
    "light": {
        "page": "#ffffff",
        "surface": "#f4f6fa",
        "text": "#1a1f27",
        "muted": "#4b5563",
        "border": "#b8c2d0",
        "accent": "#1d4fa6",
        "accent-text": "#ffffff",
        "mark": "#ffe680",
        "mark-text": "#1a1f27",
        "answered": "#16632f",
        "answered-bg": "#e6f4ea",
        "partial": "#7a4300",
        "partial-bg": "#fff1db",
        "absent": "#8f1d1d",
        "absent-bg": "#fdecec",
        "current": "#e8f0ff",
    },
    "dark": {
        "page": "#0f131a",
        "surface": "#1a202b",
        "text": "#e8ebf0",
        "muted": "#b3bccb",
        "border": "#4a5466",
        "accent": "#9cc3ff",
        "accent-text": "#0f131a",
        "mark": "#6b5600",
        "mark-text": "#fff6cc",
        "answered": "#8fdca6",
        "answered-bg": "#15281c",
        "partial": "#ffcf85",
        "partial-bg": "#2e2212",
        "absent": "#ffb3b3",
        "absent-bg": "#321818",
        "current": "#1d2a40",
    },
}

CONTRAST_PAIRS = (  # (text role, background role): every pairing the stylesheet uses
    ("text", "page"),
    ("text", "surface"),
    ("muted", "page"),
    ("muted", "surface"),
    ("accent", "page"),
    ("accent", "surface"),
    ("accent-text", "accent"),
    ("mark-text", "mark"),
    ("answered", "answered-bg"),
    ("partial", "partial-bg"),
    ("absent", "absent-bg"),
    ("text", "current"),
    ("accent", "current"),
    ("muted", "current"),
)


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio: "#000000" on "#ffffff" -> 21.0."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def variables_css() -> str:
    """`--rag-<role>` custom properties: light on :root, dark on Gradio's `body.dark`."""

    def block(selector: str, theme: str) -> str:
        lines = "".join(f"  --rag-{role}: {value};\n" for role, value in PALETTE[theme].items())
        return f"{selector} {{\n{lines}}}\n"

    return block(":root", "light") + block("body.dark", "dark")


def gradio_theme():
    """Gradio's own widgets (question box, buttons, settings) in the same palette, both modes."""
    import gradio as gr

    light, dark = PALETTE["light"], PALETTE["dark"]
    # System fonts only: the default theme would fetch web fonts, and nothing may leave the machine.
    theme = gr.themes.Base(
        primary_hue="blue", font=["system-ui", "Noto Sans CJK JP", "sans-serif"], font_mono=["monospace"]
    )
    return theme.set(
        body_background_fill=light["page"],
        body_background_fill_dark=dark["page"],
        body_text_color=light["text"],
        body_text_color_dark=dark["text"],
        body_text_color_subdued=light["muted"],
        body_text_color_subdued_dark=dark["muted"],
        block_background_fill=light["page"],
        block_background_fill_dark=dark["page"],
        block_label_text_color=light["text"],
        block_label_text_color_dark=dark["text"],
        block_title_text_color=light["text"],
        block_title_text_color_dark=dark["text"],
        input_background_fill=light["page"],
        input_background_fill_dark=dark["surface"],
        input_border_color=light["border"],
        input_border_color_dark=dark["border"],
        input_placeholder_color=light["muted"],
        input_placeholder_color_dark=dark["muted"],
        border_color_primary=light["border"],
        border_color_primary_dark=dark["border"],
        button_primary_background_fill=light["accent"],
        button_primary_background_fill_dark=dark["accent"],
        button_primary_background_fill_hover=light["accent"],
        button_primary_background_fill_hover_dark=dark["accent"],
        button_primary_text_color=light["accent-text"],
        button_primary_text_color_dark=dark["accent-text"],
        button_secondary_background_fill=light["surface"],
        button_secondary_background_fill_dark=dark["surface"],
        button_secondary_background_fill_hover=light["current"],
        button_secondary_background_fill_hover_dark=dark["current"],
        button_secondary_text_color=light["text"],
        button_secondary_text_color_dark=dark["text"],
        link_text_color=light["accent"],
        link_text_color_dark=dark["accent"],
        color_accent=light["accent"],
        color_accent_soft=light["current"],
        color_accent_soft_dark=dark["current"],
        checkbox_label_text_color=light["text"],
        checkbox_label_text_color_dark=dark["text"],
    )
