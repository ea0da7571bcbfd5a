using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Each room's audio-only choices, kept in Redis (hash <c>telehealth:audio-only:{room}</c>) beside the room
/// node's own memory, so that a room moved to another node (a drain, or a lost node) keeps them: the move hands them
/// to the new node with the admitted set. Written once the room's node has applied the choice; forgotten when the
/// participant leaves or the room closes.</summary>
internal sealed class AudioOnlyChoices(NodeRegistry registry)
{
    /// <summary>A room's choices outlive no consultation: a day is longer than any.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private static RedisKey Key(string roomId) => "telehealth:audio-only:" + roomId;

    public async Task SetAsync(string roomId, string participantId, bool audioOnly)
    {
        var db = registry.Redis.GetDatabase();
        if (audioOnly)
        {
            await db.HashSetAsync(Key(roomId), participantId, 1);
            await db.KeyExpireAsync(Key(roomId), Lifetime);
        }
        else
        {
            await db.HashDeleteAsync(Key(roomId), participantId);
        }
    }

    public Task ForgetAsync(string roomId, string participantId) => registry.Redis.GetDatabase().HashDeleteAsync(Key(roomId), participantId);

    public Task ForgetRoomAsync(string roomId) => registry.Redis.GetDatabase().KeyDeleteAsync(Key(roomId));

    /// <summary>The participants of the room who chose audio only.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(string roomId) =>
        [.. (await registry.Redis.GetDatabase().HashKeysAsync(Key(roomId))).Select(k => k.ToString())];
}
