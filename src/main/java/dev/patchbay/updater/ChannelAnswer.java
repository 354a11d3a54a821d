package dev.patchbay.updater;

/**
 * The answer to {@code setChannel}/{@code unsetChannel} (device-protocol §6): {@code ok} with the channel now stored,
 * or an {@code error} code ({@code channel_not_found}, {@code self_assign_not_allowed}, {@code network}, ...).
 */
public record ChannelAnswer(boolean ok, String channel, String error, String message) {
}
