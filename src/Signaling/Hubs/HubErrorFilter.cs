using System.Text.Json;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Turns domain refusals into hub errors the client can branch on: the message's first line is
/// <c>urn:telehealth:problem:{code}: {what to do}</c>; a refusal that carries data (for example <c>opensAt</c> of
/// <c>too-early</c>) adds a second line with a JSON object of it, for the page to word in the user's language. Anything
/// else stays an opaque server error, logged here once (SignalR's own dispatcher log, which would log every refusal as
/// an error, is silenced in LoggingSetup).</summary>
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
            throw new HubException(Message(refused));
        }
        catch (MediaNegotiationException refused)
        {
            Refused(logger, context.HubMethodName, "invalid-sdp");
            throw new HubException($"{Problems.TypePrefix}invalid-sdp: {refused.Message}");
        }
        catch (HubException refused)
        {
            Refused(logger, context.HubMethodName, refused.Message.Split(':', 4) is [_, _, _, var rest] ? rest.Split(':')[0] : "hub-error");
            throw;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Failed(logger, context.HubMethodName, error);
            throw;
        }
    }

    internal static string Message(RoomException refused) =>
        refused.Details is { Count: > 0 } details
            ? $"{refused.ProblemType}: {refused.Message}\n{JsonSerializer.Serialize(details)}"
            : $"{refused.ProblemType}: {refused.Message}";

    [LoggerMessage(201, LogLevel.Error, "Hub call {Method} failed")]
    private static partial void Failed(ILogger logger, string method, Exception error);

    [LoggerMessage(200, LogLevel.Information, "Hub call {Method} refused: {Code}")]
    private static partial void Refused(ILogger logger, string method, string code);
}
