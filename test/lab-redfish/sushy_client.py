"""Drives the lab Redfish BMC with sushy (Debian's python3-sushy), an
independent client nobody here wrote. Prints one JSON line per step.
Password comes from the environment, never from argv."""
import json
import os
import sys
import warnings

import sushy

warnings.filterwarnings("ignore")
url, user, image, cafile = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
password = os.environ["RB_SUSHY_PASSWORD"]


def out(step, **kw):
    print(json.dumps({"step": step, **kw}), flush=True)


root = sushy.Sushy(url + "/redfish/v1", username=user, password=password, verify=cafile)
system = root.get_system("/redfish/v1/Systems/1")
out("system", power=str(system.power_state), allowed=sorted(str(v) for v in system.get_allowed_reset_system_values()))
system.reset_system(sushy.RESET_ON)
system.refresh()
out("power-on", power=str(system.power_state))
system.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_CD, enabled=sushy.BOOT_SOURCE_ENABLED_ONCE, mode=sushy.BOOT_SOURCE_MODE_UEFI)
system.refresh()
out("boot", target=str(system.boot.target), enabled=str(system.boot.enabled), mode=str(system.boot.mode))
manager = root.get_manager("/redfish/v1/Managers/1")
cd = manager.virtual_media.get_member("/redfish/v1/Managers/1/VirtualMedia/CD")
cd.insert_media(image, inserted=True, write_protected=True)
cd.refresh()
out("insert", image=cd.image, inserted=cd.inserted)
system.reset_system(sushy.RESET_FORCE_RESTART)
system.refresh()
out("restart", power=str(system.power_state))
cd.eject_media()
cd.refresh()
out("eject", image=cd.image, inserted=cd.inserted)
system.reset_system(sushy.RESET_FORCE_OFF)
system.refresh()
out("power-off", power=str(system.power_state))
