import { Arg, Authorized, Field, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Public } from '../../server/auth/public.js';
import { VERSION } from '../../server/version.js';

@ObjectType({ description: 'What any client may know about the server before signing in' })
export class ServerInfo {
  @Field()
  @Public()
  version!: string;

  @Field({ description: 'Server time (legal time reference for registrations)' })
  @Public()
  time!: Date;
}

@ObjectType({ description: 'A liveness tick on a subscription' })
export class Heartbeat {
  @Field()
  @Authorized()
  at!: Date;
}

@Resolver()
export class SystemResolver {
  @Query(() => ServerInfo, { description: 'Version and server time; needs no token' })
  @Public()
  serverInfo(): ServerInfo {
    return { version: VERSION, time: new Date() };
  }

  @Subscription(() => Heartbeat, {
    description: 'Ticks every few seconds, so live clients can tell a quiet feed from a dead one',
    subscribe: ({ args }) => ticks((args as { intervalSeconds: number }).intervalSeconds),
  })
  @Authorized()
  heartbeat(
    @Root() at: Date,
    @Arg('intervalSeconds', () => Int, { defaultValue: 15 }) _intervalSeconds: number,
  ): Heartbeat {
    return { at };
  }
}

async function* ticks(intervalSeconds: number): AsyncGenerator<Date> {
  // At least 5 s: every tick reloads the subscriber's rights.
  const ms = Math.min(Math.max(intervalSeconds, 5), 300) * 1000;
  for (;;) {
    yield new Date();
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}
