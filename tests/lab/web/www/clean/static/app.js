// clean.test front end: a publishable key only.
const config = { stripeKey: "pk_live_51LabPublishableKey0123456789abcdef" };
document.addEventListener("DOMContentLoaded", () => { console.log("ready", config.stripeKey.length); });
