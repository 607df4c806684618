/** Kernel API families the analyses recognise by name (data, documented in docs/device-reads.md). */

/**
 * Calls that mean a function logs: the printk family and the subsystems' wrappers, plus any
 * driver-local logging macro named like one (`hw_dbg`, `BNX2X_ERR`, `e_err`, `ath_warn`, `DP`).
 */
export const LOGGING =
  /^(printk|pr_(err|warn|warning|notice|info|crit|alert|emerg|debug|cont|err_ratelimited|warn_ratelimited|err_once|warn_once|info_ratelimited|notice_ratelimited)|dev_(err|warn|notice|info|crit|alert|emerg|dbg|err_ratelimited|warn_ratelimited|err_once|warn_once|printk|err_probe|info_ratelimited|notice_ratelimited)|dev_err_probe|netdev_(err|warn|info|notice|crit|alert|emerg|dbg)|netif_(err|warn|info|notice|dbg|msg_err)|pci_(err|warn|info|notice)|drm_(err|warn|info|dbg)|DRM_(ERROR|WARN|INFO|DEBUG|DEBUG_DRIVER|DEV_ERROR|DEV_INFO|DEV_DEBUG)|drm_dbg(_\w+)?|drm_err(_\w+)?|WARN|WARN_ON|WARN_ONCE|WARN_ON_ONCE|WARN_RATELIMIT|BUG|BUG_ON|panic|shost_printk|sdev_printk|scmd_printk|starget_printk|ata_dev_(err|warn|printk|info)|ata_port_(err|warn|printk|info)|ata_link_(err|warn|printk|info)|snd_printk|snd_printd|snd_printdd|snd_printk_ratelimit|dev_WARN|dev_WARN_ONCE|v4l2_(err|warn|info|dbg)|v4l_(err|warn|info)|hid_(err|warn|info)|mmc_(err|warn)|wiphy_(err|warn|info)|ath\d*k?_(err|warn|info|dbg)|IWL_(ERR|WARN|INFO)|iwl_(err|warn)|mlx5_core_(err|warn)|ibdev_(err|warn)|\w+_(err|warn)_ratelimited|\w+_printk|\w+_log_err|\w+_err)$|^\w*(_|^)(err|warn|warning|dbg|debug|notice|crit|alert|emerg|printk)(_\w+)?$|^[A-Z0-9_]*(ERR|WARN|ERROR|WARNING|DBG|DEBUG|INFO|NOTICE|PRINTK|LOG|MSG|PRINT)[A-Z0-9_]*$|^(DP|DBG|dprintk|DPRINTK|printf)$/;

/**
 * Calls that bound a loop or give a function its own timeout by themselves: a comparison of time,
 * a timed wait, a poll helper, a signal or stop test.
 */
export const TIMEOUT_CALLS =
  /^(time_(after|before|after_eq|before_eq|is_after_jiffies|is_before_jiffies|in_range)|ktime_(after|before|compare)\w*|\w*_timeout\w*|schedule_timeout\w*|wait_for_completion\w*|wait_event\w*|msleep_interruptible|signal_pending|fatal_signal_pending|kthread_should_stop|jiffies_to_\w+|get_jiffies_64|read_poll_timeout\w*|readx_poll_timeout\w*|\w+_poll_timeout\w*|jiffies\w*|usleep_range_state|time_is_\w+)$/;

/**
 * Clock reads and time arithmetic (`ktime_get()`, `ktime_sub()`, `local_clock()`): a bound only where
 * a result is compared (`ktime_us_delta(ktime_get(), t0) > 100`, `now > end` with `now = ktime_get()`).
 * A driver that times an operation for statistics (panfrost's job accounting) or paces register
 * access (pmbus) reads the clock with no limit to reach.
 */
const CLOCKS = String.raw`ktime_\w+|local_clock|sched_clock|get_cycles|get_cycles64`;
export const CLOCK_CALLS = new RegExp(`^(?:${CLOCKS})$`);
/** A call of one of them in source text. */
export const CLOCK_CALL_TEXT = new RegExp(`\\b(?:${CLOCKS})\\s*\\(`);

/**
 * Poll helpers that log their own timeout: include/linux/phy.h's phy_read_poll_timeout() and
 * phy_read_mmd_poll_timeout() print `phydev_err(phydev, "%s failed: %d\n", __func__, __ret)`.
 */
export const SELF_LOGGING_POLL_HELPER = /^phy_read(_mmd)?_poll_timeout$/;

/** The iopoll family (`readl_poll_timeout`, `read_poll_timeout_atomic`, `regmap_read_poll_timeout`, ...). */
export const POLL_HELPER = /^\w+_poll_timeout(_atomic)?$/;
/**
 * A call to one of them in source text (the pre-filters' test). Same answer to `test` as
 * `\b\w+_poll_timeout...`, ten times faster: a leading `\w+` is retried at every word.
 */
export const POLL_HELPER_CALL = /\w_poll_timeout(?:_atomic)?\s*\(/;

/**
 * Callbacks whose contract makes an error code an answer, not a failure (ops-structure field →
 * codes). The pinconf API: `pin_config_get` returns -EINVAL when a setting "is available but
 * disabled" (include/linux/pinctrl/pinconf.h), and `pin_config_group_get` follows the same rules;
 * gpiolib's `get_direction` returns -EINVAL for a line in a mode with no direction (an alternate
 * function); ethtool's `nway_reset` returns -EINVAL when autonegotiation is not enabled (the generic
 * mii_nway_restart(), drivers/net/mii.c: "restart NWay ... -EINVAL" unless BMCR_ANENABLE is set). A
 * driver answering so from a register is reporting the device's state.
 */
export const ANSWER_CODES: Readonly<Record<string, readonly string[]>> = {
  pin_config_get: ['EINVAL'],
  pin_config_group_get: ['EINVAL'],
  get_direction: ['EINVAL'],
  nway_reset: ['EINVAL'],
};

/**
 * Callbacks whose core logs their failures, naming the device: the driver core's really_probe()
 * prints "probe with driver %s failed with error %d" when a bus driver's `probe` fails
 * (drivers/base/dd.c; -ENODEV/-ENXIO/-EPROBE_DEFER are benign anyway), the SPI core's
 * spi_transfer_one_message() prints "SPI transfer failed: %d" when `transfer_one` fails
 * (drivers/spi/spi.c), and the thermal core's thermal_zone_recheck() prints "Temperature check
 * failed (%d)" when a zone's `get_temp` fails (drivers/thermal/thermal_core.c), and the IRQ core's
 * __irq_set_trigger() prints "Setting trigger mode %lu for irq %u failed (%pS)" (naming the callback)
 * when an irq_chip's `irq_set_type` fails (kernel/irq/manage.c; a hierarchical chip's parent is
 * reached through irq_chip_set_type_parent(), whose result goes back the same way). `probe_new` is
 * the I2C core's probe until 6.3 (i2c_device_probe() calls it, and really_probe() logs the same way).
 */
export const CORE_LOGGED_CALLBACKS: readonly string[] = [
  'probe',
  'probe_new',
  'transfer_one',
  'get_temp',
  'read_time',
  'irq_set_type',
];

/** The system-sleep fields of `struct dev_pm_ops`. */
const SYSTEM_SLEEP_CALLBACKS = [
  'prepare',
  ...['suspend', 'resume', 'freeze', 'thaw', 'poweroff', 'restore'],
  ...['suspend_late', 'resume_early', 'freeze_late', 'thaw_early', 'poweroff_late', 'restore_early'],
  ...['suspend_noirq', 'resume_noirq', 'freeze_noirq', 'thaw_noirq', 'poweroff_noirq', 'restore_noirq'],
];

/**
 * The PM macros that install system-sleep callbacks (their suspend and resume functions are the
 * last two arguments): `DEFINE_SIMPLE_DEV_PM_OPS(name, suspend, resume)`,
 * `SET_SYSTEM_SLEEP_PM_OPS(suspend, resume)` and their late and noirq forms. Not the runtime or
 * "universal" ones, whose functions the runtime PM core also calls without a log.
 */
export const SYSTEM_SLEEP_PM_MACRO =
  /\b(?:(?:DEFINE_)?SIMPLE_DEV_PM_OPS\s*\(\s*\w+\s*,|(?:SET_)?(?:LATE_|NOIRQ_)?SYSTEM_SLEEP_PM_OPS\s*\()\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*\)/g;

/**
 * The same for callbacks whose field names are too common to trust alone (`.write`): counted only
 * when installed in an initialiser of the named structure (structure → fields). The RTC core's
 * __rtc_read_time() logs a failed `read_time` ("read_time: fail to read: %d", drivers/rtc/interface.c,
 * dev_dbg like the drivers' own debug lines; rtc_hctosys() adds a dev_err at boot) — that field is
 * distinctive and listed above. The FPGA manager core logs each failed programming step with the
 * manager's device (drivers/fpga/fpga-mgr.c: "Error preparing FPGA for writing", "Error while writing
 * image data to FPGA", "Error after writing image data to FPGA", "Error while parsing FPGA image
 * header"). rtw89's core (drivers/net/wireless/realtek/rtw89/core.c, mac.c) is the caller of its chip
 * modules' `pwr_on_func`, and every path that powers on logs "failed to power on" (`pwr_off_func`
 * failures are dropped there, so it is not listed).
 */
export const CORE_LOGGED_STRUCT_CALLBACKS: Readonly<Record<string, readonly string[]>> = {
  fpga_manager_ops: ['parse_header', 'write_init', 'write', 'write_sg', 'write_complete'],
  rtw89_chip_ops: ['pwr_on_func'],
  drm_dp_aux: ['transfer'],
  // drivers/phy/phy-core.c: "phy init failed --> %d", "phy exit failed", "phy poweron failed",
  // "phy poweroff failed".
  phy_ops: ['init', 'exit', 'power_on', 'power_off'],
  // drivers/char/tpm/tpm-interface.c, tpm_try_transmit(): "tpm_transmit: tpm_recv: error %d". (`send`
  // is logged too, except -EPIPE, which a driver may return silently: not listed.)
  tpm_class_ops: ['recv'],
  // drivers/base/power/main.c: every system-sleep callback runs through dpm_run_callback() (and
  // `prepare` through device_prepare()), whose suspend_report_result() prints "%s(): %ps returns %d".
  // Runtime PM callbacks are not logged by their core and are not listed.
  dev_pm_ops: SYSTEM_SLEEP_CALLBACKS,
};

/**
 * The same for callbacks installed at run time in a member named for its structure (member →
 * fields): `dp->aux.transfer = foo_aux_transfer;` or `aux->transfer = ...` is a `struct drm_dp_aux`
 * (the `aux` member of every DP driver's state). Both callers of `transfer` in the DP AUX core log a
 * failure with the channel's name (drivers/gpu/drm/display/drm_dp_helper.c: drm_dp_dpcd_access()'s
 * "Too many retries, giving up. First error: %d", drm_dp_i2c_do_msg()'s "transaction timed out" /
 * "transaction failed: %d") — at debug level, as the RTC core's `read_time` line, and for the same
 * reason the core gives: a timeout is what a missing sink answers.
 */
export const CORE_LOGGED_MEMBER_CALLBACKS: Readonly<Record<string, readonly string[]>> = {
  aux: ['transfer'],
};
