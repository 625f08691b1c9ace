namespace M2M.Cli.Provisioning;

/// <summary>
/// The ESP32 nanoff target names m2m accepts: the generic ESP32-family targets nf-interpreter builds
/// today (the presets of targets/ESP32/CMakePresets.json, July 2026) and that nanoff picks itself for
/// a detected chip (nanoFirmwareFlasher.Library/Esp32Operations.cs). Board-specific targets (M5Stack,
/// Lilygo, Olimex...) are left out: `nanoff list targets platform esp32` lists every one.
/// </summary>
public static class EspTargets
{
    /// <summary>Target name and the board it is for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ESP32_REV0"] = "ESP32-WROOM-32 and other ESP32 boards without PSRAM, any chip revision",
        ["ESP32_REV3"] = "ESP32 without PSRAM, chip revision 3 or later (e.g. ESP32-WROOM-32E)",
        ["ESP32_PSRAM_REV0"] = "ESP32-WROVER and other ESP32 boards with PSRAM, any chip revision",
        ["ESP32_PSRAM_REV3"] = "ESP32 with PSRAM, chip revision 3 or later (e.g. ESP32-WROVER-E)",
        ["ESP32_PSRAM_XTAL26_REV0"] = "ESP32 with PSRAM and a 26 MHz crystal",
        ["ESP32_PICO"] = "ESP32-PICO-D4 / PICO-V3 system-in-package",
        ["ESP32_S2"] = "ESP32-S2",
        ["ESP32_S3_OCTAL"] = "ESP32-S3 with octal PSRAM (most S3 modules with PSRAM, e.g. N8R8/N16R8)",
        ["ESP32_S3_QUAD"] = "ESP32-S3 with quad PSRAM (e.g. N4R2, N8R2)",
        ["ESP32_C3"] = "ESP32-C3 (RISC-V, no PSRAM), chip revision 0.3 or later",
        ["ESP32_C3_BETA"] = "ESP32-C3 chip revision 0.2",
        ["ESP32_C5_THREAD"] = "ESP32-C5 (Wi-Fi 6 dual band, Thread)",
        ["ESP32_C6_THREAD"] = "ESP32-C6 (Wi-Fi 6, Thread)",
        ["ESP32_C61"] = "ESP32-C61",
        ["ESP32_H2_THREAD"] = "ESP32-H2 (Thread only, no Wi-Fi: needs a Thread border router to reach the gateway)",
        ["ESP32_P4"] = "ESP32-P4 chip revision 3 or later (no radio: Ethernet or an external Wi-Fi chip)",
    };

    /// <summary>
    /// Names nf-interpreter no longer builds, with the one that replaced them: ESP32_S3_ALL became
    /// ESP32_S3_OCTAL when one image learned to pick USB-JTAG or UART itself (nf-interpreter pull
    /// request #3362, June 2026, renamed its defconfig).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Retired = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ESP32_S3_ALL"] = "ESP32_S3_OCTAL",
    };
}
