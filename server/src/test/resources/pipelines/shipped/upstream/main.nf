workflow { Channel.of(1).view() }
