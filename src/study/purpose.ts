/**
 * Entry-point purposes from field names (the paper's rule): `.probe` → init, `.remove` → cleanup,
 * `.suspend` → power management, ... Documented with examples in docs/study.md.
 */

export const PURPOSES = [
  'init',
  'cleanup',
  'coreIo',
  'config',
  'pm',
  'ioctl',
  'error',
  'procSysfs',
  'other',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * Tie-break order when a function is equally near to entry points of several purposes (see
 * {@link assignPurposes}): the paper's purposes from the most to the least specific.
 */
export const PURPOSE_PRIORITY: readonly Purpose[] = [
  'pm',
  'error',
  'ioctl',
  'procSysfs',
  'init',
  'cleanup',
  'config',
  'coreIo',
  'other',
];

/** Struct types whose every function field has one purpose, whatever the field name. */
const STRUCT_PURPOSE: Readonly<Record<string, Purpose>> = {
  dev_pm_ops: 'pm',
  pci_error_handlers: 'error',
  device_attribute: 'procSysfs',
  driver_attribute: 'procSysfs',
  class_attribute: 'procSysfs',
  bus_attribute: 'procSysfs',
  kobj_attribute: 'procSysfs',
  bin_attribute: 'procSysfs',
  sensor_device_attribute: 'procSysfs',
  sensor_device_attribute_2: 'procSysfs',
  iio_dev_attr: 'procSysfs',
  seq_operations: 'procSysfs',
  proc_ops: 'procSysfs',
  ethtool_ops: 'config',
  snd_kcontrol_new: 'config',
  dcbnl_rtnl_ops: 'config',
  kernel_param_ops: 'config',
  v4l2_ioctl_ops: 'config',
  v4l2_ctrl_ops: 'config',
};

/** Keyword rules on the tokens of the field name, tried in this order. */
const RULES: [Purpose, RegExp][] = [
  [
    'pm',
    /(?:^|_)(?:suspend|resume|freeze|thaw|poweroff|restore|runtime|sleep|wakeup|wake)(?:$|_)|^(?:set_power_state|power_(?:up|down|on|off)|pm_\w+)$/,
  ],
  [
    'error',
    /(?:^|_)(?:err|error\w*|timeout|tx_timeout|recover\w*|reset\w*|slot_reset|mmio_enabled|eh_\w+|watchdog|handle_error|abort\w*|hang\w*|panic|link_reset|pre_reset|post_reset)(?:$|_)/,
  ],
  ['ioctl', /(?:^|_)(?:ioctl|compat_ioctl|unlocked_ioctl|siocdevprivate|eth_ioctl|do_ioctl)(?:$|_)/],
  [
    'procSysfs',
    /^(?:show|store|\w+_show|\w+_store|proc_\w+|seq_show|sysfs_\w+|show_\w+|store_\w+|debugfs_\w+)$/,
  ],
  [
    'cleanup',
    /^(?:remove\w*|exit|\w+_exit|release|close|stop|ndo_stop|detach|disconnect|shutdown|unbind|destroy|\w+_destroy|free|hw_free|cleanup|uninit|deinit|teardown|unregister|remove_new|unload)$/,
  ],
  [
    'init',
    /^(?:probe\w*|\w+_probe|init|\w+_init|open|ndo_open|attach|bind|connect|startup|initialize|setup|register|load|start|ndo_init|init_one|new_device|hw_init|late_init|early_init)$/,
  ],
  [
    'config',
    /(?:^|_)(?:get|set|config\w*|configure|change\w*|update\w*|hw_params|prepare|info|put|mode|mtu|features|stats\w*|query\w*|vlan\w*|mac\w*|rx_mode|multicast\w*|params?|fix_features|validate|check\w*|tune|select\w*|ctrl|control|enable|disable|adjust\w*|fw\w*)(?:$|_)/,
  ],
  [
    'coreIo',
    /(?:^|_)(?:xmit|start_xmit|transmit|tx|rx|read\w*|write\w*|poll|interrupt|irq|isr|handler|handle\w*|trigger|pointer|queue\w*|request|transfer\w*|xfer|submit|mmap|fasync|llseek|event|send\w*|recv\w*|receive\w*|complete|callback|io|command|cmd|data|dma|flush|copy\w*|ack|work|thread|tasklet|timer|process\w*|urb\w*|in|out|playback|capture|frame\w*|packet\w*)(?:$|_)/,
  ],
];

/** The purpose of an entry point stored in `structType`'s field `field` (last component of the path). */
/** Fields whose purpose depends on the structure: serio's `reconnect` runs on resume. */
const FIELD_PURPOSE: Readonly<Record<string, Purpose>> = {
  'serio_driver.reconnect': 'pm',
  'serio_driver.fast_reconnect': 'pm',
};

export function purposeOfField(field: string, structType = ''): Purpose {
  const byField = FIELD_PURPOSE[`${structType}.${field}`];
  if (byField) return byField;
  const byStruct = STRUCT_PURPOSE[structType];
  if (byStruct) return byStruct;
  const f = field.replace(/^ndo_(?=\w)/, '').toLowerCase();
  for (const [p, re] of RULES) if (re.test(f)) return p;
  return 'other';
}

/** The purpose suggested by a function's own name (used for callbacks that no field names). */
export function purposeOfName(name: string, fallback: Purpose = 'other'): Purpose {
  const tokens = name.toLowerCase().split('_').filter(Boolean);
  // Try suffixes of the name: `e1000_tx_timeout` → `tx_timeout`, `timeout`.
  for (let i = 1; i < tokens.length; i++) {
    const p = purposeOfField(tokens.slice(i).join('_'));
    if (p !== 'other') return p;
  }
  return fallback;
}
