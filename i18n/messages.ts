import de from "@/messages/de.json";
import en from "@/messages/en.json";
import es from "@/messages/es.json";
import fr from "@/messages/fr.json";
import hi from "@/messages/hi.json";
import ptBR from "@/messages/pt-BR.json";
import type { Locale } from "./locales";

/** Every locale's messages, for code outside a request (emails sent from lib/ and jobs). */
export const messagesByLocale: Record<Locale, typeof en> = { en, es, fr, de, "pt-BR": ptBR, hi };
