using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Rooms;

/// <summary>The scheduling system's appointment id; one appointment has one room and one consultation.
/// In JSON it is the plain id string.</summary>
[JsonConverter(typeof(AppointmentIdJsonConverter))]
public readonly record struct AppointmentId(Guid Value)
{
    public override string ToString() => Value.ToString("D");
}

/// <summary>A person's id as the identity provider knows it (the token's <c>sub</c>); never a name or an e-mail.
/// In JSON it is the plain id string.</summary>
[JsonConverter(typeof(PersonIdJsonConverter))]
public readonly record struct PersonId(string Value)
{
    public override string ToString() => Value;
}

/// <summary>Reads and writes <see cref="AppointmentId"/> as its id string.</summary>
public sealed class AppointmentIdJsonConverter : JsonConverter<AppointmentId>
{
    public override AppointmentId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetGuid());

    public override void Write(Utf8JsonWriter writer, AppointmentId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

/// <summary>Reads and writes <see cref="PersonId"/> as its id string.</summary>
public sealed class PersonIdJsonConverter : JsonConverter<PersonId>
{
    public override PersonId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? throw new JsonException("A person id must be a string."));

    public override void Write(Utf8JsonWriter writer, PersonId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
