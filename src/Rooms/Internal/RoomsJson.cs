using System.Text.Json;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The JSON settings for what the module stores (payer, outbox payloads). PostgreSQL's jsonb reorders keys,
/// so type discriminators may come anywhere in an object.</summary>
internal static class RoomsJson
{
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        AllowOutOfOrderMetadataProperties = true,
    }.UseWireEnums();
}
