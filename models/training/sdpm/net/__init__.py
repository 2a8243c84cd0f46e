"""Network: `Unet2` (lucidrains U-Net with a second decoder, SPEC §1.2) and its wrappers."""
from .unet2 import Unet2
from .wrapper import SdpmNet, EpsOnly

__all__ = ["Unet2", "SdpmNet", "EpsOnly"]
