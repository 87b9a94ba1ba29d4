#!/usr/bin/python3
"""A pyghmi fake BMC for rescuebox's client tests (run with Debian's /usr/bin/python3).

usage: pyghmi_bmc.py PORT USER   (password from env PYGHMI_PASSWORD, never argv)
Prints one JSON line per event on stdout: ready, power, bootdev, sol-in.
SOL echoes what it receives, so a client sees its own typing come back.
"""
import json
import os
import sys

import pyghmi.ipmi.bmc as bmc


def emit(**kw):
    sys.stdout.write(json.dumps(kw) + '\n')
    sys.stdout.flush()


class LabBmc(bmc.Bmc):
    def __init__(self, authdata, port):
        super().__init__(authdata, port=port, address='127.0.0.1')
        self.powerstate = 'off'
        self.bootdevice = 'default'

    def get_power_state(self):
        return self.powerstate

    def _set(self, state, action):
        self.powerstate = state
        emit(event='power', action=action, state=state)

    def power_off(self):
        self._set('off', 'off')

    def power_on(self):
        self._set('on', 'on')

    def power_cycle(self):
        self._set('on', 'cycle')

    def power_reset(self):
        self._set('on', 'reset')

    def power_shutdown(self):
        self._set('off', 'soft')

    def pulse_diag(self):
        emit(event='power', action='nmi', state=self.powerstate)

    def is_active(self):
        return self.powerstate == 'on'

    def get_boot_device(self):
        return self.bootdevice

    def set_boot_device(self, bootdevice):
        self.bootdevice = bootdevice
        emit(event='bootdev', device=bootdevice)

    def iohandler(self, data):
        emit(event='sol-in', hex=bytes(data).hex() if not isinstance(data, str) else data.encode().hex())
        if self.sol is not None:
            self.sol.send_data(data)


def main():
    port = int(sys.argv[1])
    user = sys.argv[2]
    password = os.environ['PYGHMI_PASSWORD']
    b = LabBmc({user: password}, port)
    emit(event='ready', port=port)
    b.listen()


if __name__ == '__main__':
    main()
