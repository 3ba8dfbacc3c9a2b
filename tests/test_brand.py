"""Brand images in the sizes Home Assistant asks of an integration's own brand folder."""

from pathlib import Path

from PIL import Image
import pytest

BRAND = Path(__file__).parents[1] / "custom_components/synology_native/brand"


@pytest.mark.parametrize("prefix", ["", "dark_"])
def test_brand_image_sizes(prefix: str) -> None:
    """Icons are 256/512 squares; logos' shortest side is 128-256 (256-512 at @2x)."""
    for name, low, high in (("icon", 256, 256), ("logo", 128, 256)):
        for suffix, scale in (("", 1), ("@2x", 2)):
            with Image.open(BRAND / f"{prefix}{name}{suffix}.png") as image:
                shortest = min(image.size)
                if name == "icon":
                    assert image.size[0] == image.size[1]
            assert low * scale <= shortest <= high * scale, f"{prefix}{name}{suffix}"
