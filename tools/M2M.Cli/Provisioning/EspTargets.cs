namespace M2M.Cli.Provisioning;

/// <summary>
/// The nanoff target names of the boards hardware.md supports, as nanoff's README names them
/// (`nanoff --listtargets --platform esp32` lists every one).
/// </summary>
public static class EspTargets
{
    /// <summary>Target name and the board it is for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ESP32_REV0"] = "ESP32-WROOM-32 and other ESP32 boards without PSRAM",
        ["ESP32_PSRAM_REV0"] = "ESP32-WROVER and other ESP32 boards with PSRAM",
        ["ESP32_S3_OCTAL"] = "ESP32-S3 with octal PSRAM (most S3 modules with PSRAM, e.g. N8R8/N16R8)",
        ["ESP32_S3_QUAD"] = "ESP32-S3 with quad PSRAM or early silicon revisions",
        ["ESP32_C3"] = "ESP32-C3 (RISC-V, no PSRAM)",
        ["ESP32_S2"] = "ESP32-S2",
    };
}
