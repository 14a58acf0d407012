#pragma once
// The environment libsane runs in. SANE's magicolor backend starts net-snmp to look for network
// scanners, and net-snmp prints on the terminal what is no error of a scan: "Created directory:
// /var/lib/snmp/cert_indexes" when its state folder is new, and, on a machine without Debian's
// `mibs :` line in /etc/snmp/snmp.conf, a page of "Cannot find module (SNMPv2-MIB)" lines.
// Before sane_init, unless the user has set them:
//  - MIBS="": no MIB files are loaded (the backend asks by numeric OID);
//  - SNMP_PERSISTENT_DIR=$XDG_CACHE_HOME/xueji/snmp (or ~/.cache/xueji/snmp), created here with
//    its cert_indexes folder, so net-snmp has nothing to create and announce.
// Scanner errors are not touched: they come back as SANE statuses.
namespace xueji {

void prepare_sane_environment();

}  // namespace xueji
