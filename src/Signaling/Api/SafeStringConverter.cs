using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Signaling;

/// <summary>Reads JSON strings for the HTTP API and refuses a NUL character, which PostgreSQL cannot store in text:
/// the body is then refused with 400 naming the field, instead of failing in the database. Other control characters
/// are refused field by field where they matter (ids, names).</summary>
internal sealed class SafeStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new JsonException("A string must not contain a NUL character.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
