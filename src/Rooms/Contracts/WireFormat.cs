using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Rooms;

/// <summary>The one rule for how the server writes an enum value anywhere it leaves the process: on the hub, in the
/// HTTP API, in outbox payloads, in <c>rooms.timeline</c> and in the text columns of the module's tables. Every value
/// is its name in snake_case (<c>InProgress</c> is <c>in_progress</c>).</summary>
public static class WireFormat
{
    /// <summary>The naming policy every enum value goes through.</summary>
    public static JsonNamingPolicy EnumNaming => JsonNamingPolicy.SnakeCaseLower;

    /// <summary>Adds the snake_case enum converter to <paramref name="options"/> (hub, HTTP and outbox options).</summary>
    public static JsonSerializerOptions UseWireEnums(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(EnumNaming));
        return options;
    }

    /// <summary>The value's text, as JSON and the database spell it.</summary>
    public static string Text<TEnum>(TEnum value) where TEnum : struct, Enum =>
        EnumText<TEnum>.Names.TryGetValue(value, out var text)
            ? text
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a defined {typeof(TEnum).Name}.");

    /// <summary>Reads a value written by <see cref="Text{TEnum}"/>; an unknown text throws, naming it.</summary>
    public static TEnum Parse<TEnum>(string text) where TEnum : struct, Enum =>
        TryParse<TEnum>(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a {typeof(TEnum).Name} (expected one of: {string.Join(", ", EnumText<TEnum>.Names.Values)}).");

    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return text is not null && EnumText<TEnum>.Values.TryGetValue(text, out value);
    }

    private static class EnumText<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> Names =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => EnumNaming.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> Values =
            Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
