using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Turns domain refusals into hub errors the client can branch on: the message is
/// <c>urn:telehealth:problem:{code}: {what to do}</c>. Anything else stays an opaque server error.</summary>
internal sealed partial class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (RoomException refused)
        {
            Refused(logger, context.HubMethodName, refused.Code);
            throw new HubException($"{refused.ProblemType}: {refused.Message}");
        }
        catch (MediaNegotiationException refused)
        {
            Refused(logger, context.HubMethodName, "invalid-sdp");
            throw new HubException($"{Problems.TypePrefix}invalid-sdp: {refused.Message}");
        }
    }

    [LoggerMessage(200, LogLevel.Information, "Hub call {Method} refused: {Code}")]
    private static partial void Refused(ILogger logger, string method, string code);
}
